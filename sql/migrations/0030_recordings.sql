-- Call recordings (issue 9): recorded only when the client turned recording on (per workspace, or
-- per number), kept encrypted in the recording store, deleted 30 days after the call or sooner when
-- the workspace chose a shorter period. Rows hold metadata only; the audio is in the store under
-- storage_key.

ALTER TABLE tenants ADD COLUMN recording_retention_days integer NOT NULL DEFAULT 30
  CHECK (recording_retention_days BETWEEN 1 AND 30);
ALTER TABLE number_subscriptions ADD COLUMN recording_enabled boolean NOT NULL DEFAULT false;

CREATE TABLE recordings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  call_id text NOT NULL UNIQUE CHECK (length(call_id) BETWEEN 1 AND 256),
  -- client: the workspace asked for it; diagnostic: staff troubleshooting (deleted when that window ends).
  kind text NOT NULL DEFAULT 'client' CHECK (kind IN ('client', 'diagnostic')),
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  format text NOT NULL DEFAULT 'wav' CHECK (format IN ('wav')),
  channels smallint NOT NULL DEFAULT 2 CHECK (channels IN (1, 2)),
  storage_key text NOT NULL UNIQUE CHECK (storage_key ~ '^[A-Za-z0-9._/-]+$' AND length(storage_key) <= 300),
  bytes bigint NOT NULL CHECK (bytes >= 0),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_at > started_at)
);
CREATE INDEX recordings_tenant ON recordings (tenant_id, started_at DESC, id DESC);
CREATE INDEX recordings_expiry ON recordings (expires_at);

ALTER TABLE recordings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON recordings TO softswitch_app
  USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON recordings TO softswitch_app;
