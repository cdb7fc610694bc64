-- Data-subject rights (issue 9): the log of export, erasure and correction requests, and the
-- tenant columns that record an erasure and its legal hold. See docs/privacy.md.

-- Set by an erasure: when it ran, and until when the billing data it kept is held (closed_at + 12 months).
ALTER TABLE tenants ADD COLUMN erased_at timestamptz;
ALTER TABLE tenants ADD COLUMN legal_hold_until timestamptz;
-- Set by the retention functions (0021) when they have processed the tenant, so each runs once per tenant.
ALTER TABLE tenants ADD COLUMN billing_purged_at timestamptz;
ALTER TABLE tenants ADD COLUMN expiry_processed_at timestamptz;
ALTER TABLE tenants ADD CONSTRAINT tenants_erased_closed CHECK (erased_at IS NULL OR status = 'closed');

-- One row per request and its outcome. Business times come from the API's clock.
CREATE TABLE privacy_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  kind text NOT NULL CHECK (kind IN ('export', 'erasure', 'correction')),
  -- Who asked: staff, api_key or tenant_user, and its id (text: the requester may be erased later).
  requester_kind text NOT NULL CHECK (requester_kind IN ('staff', 'api_key', 'tenant_user', 'cli', 'system')),
  requester_id text NOT NULL CHECK (length(requester_id) BETWEEN 1 AND 200),
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'refused')),
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  -- Outcome: counts per data set, what was kept and until when, fields corrected. Never content.
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK ((status = 'pending') = (completed_at IS NULL))
);
CREATE INDEX privacy_requests_tenant ON privacy_requests (tenant_id, created_at DESC, id DESC);

ALTER TABLE privacy_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON privacy_requests TO softswitch_app
  USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
-- The log is kept: the app may add and complete requests, never delete them.
REVOKE DELETE, TRUNCATE ON privacy_requests FROM softswitch_app;
