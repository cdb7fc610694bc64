-- Staff and client audit log: the app role may INSERT and SELECT, never UPDATE, DELETE or TRUNCATE
-- (privileges revoked and a trigger that refuses the change for every role).

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_kind text NOT NULL CHECK (actor_kind IN ('staff', 'api_key', 'tenant_user', 'cli', 'system')),
  actor_id text NOT NULL CHECK (length(actor_id) BETWEEN 1 AND 200),
  -- The tenant whose data was touched, when there is one.
  tenant_id uuid,
  action text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
  target_kind text NOT NULL CHECK (length(target_kind) BETWEEN 1 AND 64),
  target_id text CHECK (length(target_id) <= 200),
  ip inet,
  request_id text CHECK (length(request_id) <= 200),
  before jsonb,
  after jsonb
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id);

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM softswitch_app;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
