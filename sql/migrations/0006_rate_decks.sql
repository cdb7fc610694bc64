-- Rate decks: customer price plans (kind 'price') and carrier cost decks (kind 'cost').
-- A deck's rows belong to an immutable version; an import writes a new version and flips
-- rate_decks.current_version_id in one transaction, so readers always see one whole deck.

CREATE TABLE rate_decks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('price', 'cost')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Price plans: NULL = shared plan, else private to one tenant. Cost decks: the carrier (and optionally one gateway).
  tenant_id uuid REFERENCES tenants (id),
  carrier_id uuid REFERENCES carriers (id),
  gateway_id uuid REFERENCES gateways (id),
  current_version_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, name),
  CHECK (kind = 'price' OR (carrier_id IS NOT NULL AND tenant_id IS NULL)),
  CHECK (kind = 'cost' OR (carrier_id IS NULL AND gateway_id IS NULL))
);
CREATE TRIGGER rate_decks_touch BEFORE UPDATE ON rate_decks FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE rate_deck_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  deck_id uuid NOT NULL REFERENCES rate_decks (id),
  row_count integer NOT NULL CHECK (row_count >= 0),
  source text NOT NULL DEFAULT '' CHECK (length(source) <= 500),
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE rate_decks ADD FOREIGN KEY (current_version_id) REFERENCES rate_deck_versions (id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE rate_deck_rows (
  version_id uuid NOT NULL REFERENCES rate_deck_versions (id) ON DELETE CASCADE,
  prefix text NOT NULL CHECK (prefix ~ '^[0-9]{1,15}$'),
  description text NOT NULL DEFAULT '',
  rate_micros_per_min bigint NOT NULL CHECK (rate_micros_per_min >= 0),
  connect_fee_micros bigint NOT NULL DEFAULT 0 CHECK (connect_fee_micros >= 0),
  initial_increment_sec integer NOT NULL CHECK (initial_increment_sec BETWEEN 1 AND 3600),
  subsequent_increment_sec integer NOT NULL CHECK (subsequent_increment_sec BETWEEN 1 AND 3600),
  effective_from timestamptz NOT NULL,
  effective_to timestamptz,
  currency char(3) NOT NULL,
  CHECK (effective_to IS NULL OR effective_to > effective_from),
  PRIMARY KEY (version_id, prefix, effective_from)
);

-- Which price plan a tenant is billed on (shared or its own).
ALTER TABLE tenants ADD COLUMN price_plan_id uuid REFERENCES rate_decks (id);

-- The rows a reader should use: current version of every deck.
CREATE VIEW current_rate_rows AS
  SELECT d.id AS deck_id, d.kind, d.tenant_id, d.carrier_id, d.gateway_id, r.*
  FROM rate_decks d JOIN rate_deck_rows r ON r.version_id = d.current_version_id;
