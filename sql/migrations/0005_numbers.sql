-- Number inventory and tenants' number subscriptions with their routing target.

CREATE TABLE numbers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  e164 text NOT NULL UNIQUE CHECK (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  number_type text NOT NULL CHECK (number_type IN ('local', 'mobile', 'toll_free')),
  monthly_price_minor bigint NOT NULL CHECK (monthly_price_minor >= 0),
  setup_price_minor bigint NOT NULL DEFAULT 0 CHECK (setup_price_minor >= 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  kyc_required boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'reserved', 'active', 'quarantine', 'pending_kyc')),
  quarantine_until timestamptz,
  carrier_id uuid REFERENCES carriers (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'quarantine') = (quarantine_until IS NOT NULL))
);
CREATE INDEX numbers_search ON numbers (country, number_type, e164) WHERE status = 'available';
CREATE TRIGGER numbers_touch BEFORE UPDATE ON numbers FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE number_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  number_id uuid NOT NULL REFERENCES numbers (id),
  period text NOT NULL CHECK (period IN ('month', 'quarter', 'half_year', 'year')),
  auto_renew boolean NOT NULL DEFAULT true,
  status text NOT NULL CHECK (status IN ('pending_kyc', 'active', 'released', 'expired')),
  started_at timestamptz,
  expires_at timestamptz,
  ended_at timestamptz,
  -- Routing target of inbound calls: ring SIP users together, a SIP URI, or forward to E.164.
  routing_kind text CHECK (routing_kind IN ('sip_users', 'sip_uri', 'forward')),
  routing_sip_user_ids uuid[],
  routing_sip_uri text CHECK (routing_sip_uri ~ '^sips?:[^\s]{1,500}$'),
  routing_forward_e164 text CHECK (routing_forward_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'active' OR (started_at IS NOT NULL AND expires_at IS NOT NULL)),
  CHECK (
    (routing_kind IS NULL AND routing_sip_user_ids IS NULL AND routing_sip_uri IS NULL AND routing_forward_e164 IS NULL)
    OR (routing_kind = 'sip_users' AND cardinality(routing_sip_user_ids) > 0 AND routing_sip_uri IS NULL AND routing_forward_e164 IS NULL)
    OR (routing_kind = 'sip_uri' AND routing_sip_uri IS NOT NULL AND routing_sip_user_ids IS NULL AND routing_forward_e164 IS NULL)
    OR (routing_kind = 'forward' AND routing_forward_e164 IS NOT NULL AND routing_sip_user_ids IS NULL AND routing_sip_uri IS NULL)
  )
);
-- A number has at most one live subscription.
CREATE UNIQUE INDEX number_subscriptions_live ON number_subscriptions (number_id) WHERE status IN ('pending_kyc', 'active');
CREATE INDEX number_subscriptions_tenant ON number_subscriptions (tenant_id, created_at);
CREATE INDEX number_subscriptions_expiry ON number_subscriptions (expires_at) WHERE status = 'active';
CREATE TRIGGER number_subscriptions_touch BEFORE UPDATE ON number_subscriptions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
