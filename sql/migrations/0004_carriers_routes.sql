-- Carriers, their gateways and inbound ACLs, outbound routes, blocked destinations.

CREATE TABLE carriers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER carriers_touch BEFORE UPDATE ON carriers FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE gateways (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  carrier_id uuid NOT NULL REFERENCES carriers (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address text NOT NULL CHECK (address ~ '^[A-Za-z0-9.:-]{1,253}$'),
  port integer NOT NULL DEFAULT 5060 CHECK (port BETWEEN 1 AND 65535),
  transport text NOT NULL DEFAULT 'udp' CHECK (transport IN ('udp', 'tcp', 'tls')),
  media_encryption text NOT NULL DEFAULT 'rtp' CHECK (media_encryption IN ('rtp', 'srtp')),
  tech_prefix text NOT NULL DEFAULT '' CHECK (tech_prefix ~ '^[0-9#*]{0,16}$'),
  max_concurrent_calls integer NOT NULL DEFAULT 100 CHECK (max_concurrent_calls >= 0),
  max_cps integer NOT NULL DEFAULT 10 CHECK (max_cps >= 0),
  enabled boolean NOT NULL DEFAULT true,
  -- Outbound registration (register-out) and digest credentials for challenges from the carrier.
  register_out boolean NOT NULL DEFAULT false,
  auth_username text CHECK (length(auth_username) <= 128),
  -- AES-256-GCM box (lib/secret-box), never plain text.
  auth_password_enc bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (carrier_id, name),
  CHECK (NOT register_out OR (auth_username IS NOT NULL AND auth_password_enc IS NOT NULL))
);
CREATE TRIGGER gateways_touch BEFORE UPDATE ON gateways FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Source addresses allowed to send calls in from a gateway.
CREATE TABLE gateway_acl_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  gateway_id uuid NOT NULL REFERENCES gateways (id) ON DELETE CASCADE,
  cidr cidr NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (gateway_id, cidr)
);
CREATE INDEX gateway_acl_entries_cidr ON gateway_acl_entries USING gist (cidr inet_ops);

-- Outbound routing: longest destination prefix first, then priority (lower first), then weight.
CREATE TABLE routes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  prefix text NOT NULL CHECK (prefix ~ '^[0-9]{0,15}$'),
  gateway_id uuid NOT NULL REFERENCES gateways (id),
  priority integer NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 1000000),
  weight integer NOT NULL DEFAULT 100 CHECK (weight BETWEEN 0 AND 1000000),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (prefix, gateway_id)
);
CREATE TRIGGER routes_touch BEFORE UPDATE ON routes FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Destinations nobody (tenant_id NULL) or one tenant may call. E.164 digits without '+'.
CREATE TABLE blocked_prefixes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid REFERENCES tenants (id),
  prefix text NOT NULL CHECK (prefix ~ '^[0-9]{1,15}$'),
  reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (tenant_id, prefix)
);
