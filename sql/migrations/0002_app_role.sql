-- The application's database role and the per-request tenant scope used by row-level security.
-- Services connect with a login role that is a member of softswitch_app (tests: SET ROLE).
-- Roles are cluster-wide, so creation is guarded.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'softswitch_app') THEN
    CREATE ROLE softswitch_app NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO softswitch_app;

-- Tables and sequences created later by the migrating role are usable by the app role.
-- Append-only tables revoke UPDATE/DELETE again in their own migration.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO softswitch_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO softswitch_app;

-- The tenant a request acts for: set with set_config('app.tenant_id', '<uuid>', true) per
-- transaction; '*' means operator staff (all tenants). Unset or empty means no tenant rows.
CREATE FUNCTION app_tenant_visible(row_tenant uuid) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT current_setting('app.tenant_id', true) = '*'
        OR (row_tenant IS NOT NULL
            AND row_tenant = nullif(nullif(current_setting('app.tenant_id', true), ''), '*')::uuid)
  $$;

-- Shared trigger: refuses UPDATE / DELETE on append-only tables (in addition to revoked privileges).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Shared trigger: keeps updated_at current.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
