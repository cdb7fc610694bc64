-- Diagnostic recordings (issue 9): staff flag a workspace, or one of its numbers, for troubleshooting
-- recording during a window [starts_at, ends_at). A call set up inside the window is recorded whatever
-- the workspace's own setting; its recording is a `diagnostic` one that expires when the window ends
-- (recordings.expires_at = ends_at) and its CDR says so (cdrs.recording_kind). Flags are written by
-- staff only (with their TOTP session, audited); the switch reads them with the operator-wide scope.

CREATE TABLE diagnostic_recording_flags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  -- NULL: every call of the workspace; else only calls to or from this number.
  number_id uuid REFERENCES numbers (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_by uuid NOT NULL REFERENCES staff_users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX diagnostic_recording_flags_tenant ON diagnostic_recording_flags (tenant_id, ends_at);
CREATE INDEX diagnostic_recording_flags_number ON diagnostic_recording_flags (number_id, ends_at) WHERE number_id IS NOT NULL;

ALTER TABLE diagnostic_recording_flags ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON diagnostic_recording_flags TO softswitch_app
  USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON diagnostic_recording_flags TO softswitch_app;

-- Which rule recorded the call: NULL when it was not recorded.
ALTER TABLE cdrs ADD COLUMN recording_kind text CHECK (recording_kind IN ('client', 'diagnostic'));
ALTER TABLE cdrs ADD CONSTRAINT cdrs_recording_kind_recorded CHECK (recording_kind IS NULL OR recorded);
