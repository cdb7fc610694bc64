-- SMS as SIP MESSAGE (issue 7, RFC 3428): a per-message price on customer price plans, and one row
-- per message the switch handled (sent to a carrier, delivered on-net or to a device, stored for
-- later pickup, or refused after authentication).

-- NULL: the plan does not sell SMS (the switch answers 403). Minor units of the deck's currency.
ALTER TABLE rate_decks ADD COLUMN sms_price_minor bigint CHECK (sms_price_minor IS NULL OR sms_price_minor >= 0);

CREATE TABLE sms_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  -- outbound: softphone → carrier; onnet: softphone → a number on the platform; inbound: carrier → number.
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound', 'onnet')),
  -- Call-ID and CSeq of the MESSAGE that brought it (a retransmitted MESSAGE is one row).
  sip_call_id text NOT NULL CHECK (length(sip_call_id) BETWEEN 1 AND 256),
  sip_cseq bigint NOT NULL CHECK (sip_cseq >= 0),
  sip_user_id uuid REFERENCES sip_users (id),
  from_number text NOT NULL CHECK (length(from_number) <= 64),
  to_number text NOT NULL CHECK (length(to_number) <= 64),
  content_type text NOT NULL DEFAULT 'text/plain' CHECK (length(content_type) <= 200),
  body text NOT NULL CHECK (octet_length(body) <= 4096),
  -- sent: a carrier accepted it; delivered: a device accepted it; stored: kept for the API (no device
  -- took it); failed: no carrier or device accepted it; rejected: refused by the switch (limits,
  -- blocked destination, no price, no money).
  status text NOT NULL CHECK (status IN ('sent', 'delivered', 'stored', 'failed', 'rejected')),
  sip_status integer NOT NULL CHECK (sip_status BETWEEN 200 AND 699),
  reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
  gateway_id uuid REFERENCES gateways (id),
  price_minor bigint NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
  currency char(3),
  -- The ledger transaction's idempotency key and the bundle used, when charged. Plain values, not
  -- foreign keys: the billing purge deletes ledger rows and bundles of closed tenants.
  ledger_key text,
  bundle_id uuid,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (direction, sip_call_id, sip_cseq)
);
CREATE INDEX sms_messages_tenant ON sms_messages (tenant_id, occurred_at DESC);
CREATE INDEX sms_messages_stored ON sms_messages (tenant_id, occurred_at) WHERE status = 'stored';

ALTER TABLE sms_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_messages TO softswitch_app
  USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON sms_messages TO softswitch_app;
