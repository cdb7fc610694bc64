-- Tenants (workspaces), staff and tenant users, API keys, SIP users.

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  closed_at timestamptz,
  expires_at timestamptz,
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  default_dial_prefix text NOT NULL CHECK (default_dial_prefix ~ '^[1-9][0-9]{0,3}$'),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- SIP digest realm of the tenant's SIP users; HA1 values depend on it, so it never changes.
  sip_realm citext NOT NULL UNIQUE CHECK (sip_realm ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
  age_verified boolean NOT NULL DEFAULT false,
  recording_enabled boolean NOT NULL DEFAULT false,
  plain_rtp_policy text NOT NULL DEFAULT 'allow' CHECK (plain_rtp_policy IN ('allow', 'reject')),
  max_concurrent_calls integer NOT NULL DEFAULT 10 CHECK (max_concurrent_calls >= 0),
  max_cps integer NOT NULL DEFAULT 5 CHECK (max_cps >= 0),
  -- How far below zero tenant_cash may go (0 = prepaid).
  credit_limit_minor bigint NOT NULL DEFAULT 0 CHECK (credit_limit_minor >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE TRIGGER tenants_touch BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Operator staff. TOTP is mandatory: totp_secret_enc is required (AES-256-GCM box, see docs/data-model.md).
CREATE TABLE staff_users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('admin', 'support', 'noc')),
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2%'),
  totp_secret_enc bytea NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER staff_users_touch BEFORE UPDATE ON staff_users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Client users of a tenant (portal logins). TOTP optional for them.
CREATE TABLE tenant_users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  email citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member', 'billing')),
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2%'),
  totp_secret_enc bytea,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);
CREATE TRIGGER tenant_users_touch BEFORE UPDATE ON tenant_users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- API keys: the key is shown once; only its SHA-256 is kept. `prefix` (public, unique) finds the row.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9_]{8,32}$'),
  key_hash bytea NOT NULL CHECK (length(key_hash) = 32),
  scopes text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'write']::text[] AND cardinality(scopes) > 0),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- Softphone credentials. Digest HA1 only (RFC 7616): MD5 and SHA-256 of username:realm:password.
CREATE TABLE sip_users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  username text NOT NULL CHECK (username ~ '^[A-Za-z0-9._-]{1,64}$'),
  -- Copy of tenants.sip_realm so the switch finds a user by (realm, username) in one index probe.
  realm citext NOT NULL,
  ha1_md5 char(32) NOT NULL CHECK (ha1_md5 ~ '^[0-9a-f]{32}$'),
  ha1_sha256 char(64) NOT NULL CHECK (ha1_sha256 ~ '^[0-9a-f]{64}$'),
  display_name text CHECK (length(display_name) <= 200),
  caller_id_e164 text CHECK (caller_id_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (realm, username)
);
CREATE INDEX sip_users_tenant ON sip_users (tenant_id);
CREATE TRIGGER sip_users_touch BEFORE UPDATE ON sip_users FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
