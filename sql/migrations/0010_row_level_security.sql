-- Row-level security on tenant tables, keyed on current_setting('app.tenant_id') (see 0002).
-- The table owner (the migrating superuser) bypasses it; softswitch_app is subject to it.

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_users', 'api_keys', 'sip_users', 'number_subscriptions', 'blocked_prefixes',
                           'account_balances', 'minute_bundles',
                           'sms_bundles', 'cdrs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO softswitch_app USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id))', t);
  END LOOP;
END
$$;

-- Ledger rows: a tenant reads only its own; a writer acting for a tenant may also insert the
-- platform side (tenant_id NULL) of its transaction, e.g. topups_clearing or revenue_calls.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ledger_transactions', 'ledger_entries']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_read ON %I FOR SELECT TO softswitch_app USING (app_tenant_visible(tenant_id))', t);
    EXECUTE format('CREATE POLICY tenant_insert ON %I FOR INSERT TO softswitch_app WITH CHECK (tenant_id IS NULL OR app_tenant_visible(tenant_id))', t);
  END LOOP;
END
$$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants TO softswitch_app USING (app_tenant_visible(id)) WITH CHECK (app_tenant_visible(id));

-- Platform ledger accounts (tenant_id NULL) must be reachable by writers acting for a tenant
-- (the other side of a top-up or a charge), so accounts are readable by every app request;
-- they hold no amounts. Tenant accounts are visible to their tenant only.
ALTER TABLE ledger_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ledger_accounts TO softswitch_app
  USING (tenant_id IS NULL OR app_tenant_visible(tenant_id)) WITH CHECK (tenant_id IS NULL OR app_tenant_visible(tenant_id));

-- Tables created before 0002's default privileges existed (none today) and the views.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO softswitch_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, ledger_transactions, ledger_entries FROM softswitch_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO softswitch_app;
