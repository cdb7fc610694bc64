-- Row-level security on the tables 0100 added, with 0010's scheme: rows are visible and writable
-- for the tenant in app.tenant_id, or for every tenant with '*'. The rater and the workers act with
-- '*' (a system service's scope), so they keep seeing every row; a table owner bypasses RLS anyway.
-- Platform rows (tenant_id NULL) are visible only with '*'.
ALTER TABLE low_balance_states ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON low_balance_states TO softswitch_app
  USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));

ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox_events TO softswitch_app
  USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
