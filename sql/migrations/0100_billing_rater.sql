-- Billing rater and workers: what the control-plane schema lacks (0002–0099 stay untouched).

-- A strictly increasing version per tenant balance row, bumped in the same statement that changes
-- the balance (the ledger_entries trigger upserts account_balances). The rater mirrors balances in
-- Redis and accepts a refresh only when its version is newer, so a stale read never wins.
ALTER TABLE account_balances ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION account_balances_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.balance_minor IS DISTINCT FROM OLD.balance_minor THEN
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER account_balances_version BEFORE UPDATE ON account_balances
  FOR EACH ROW EXECUTE FUNCTION account_balances_bump_version();

-- Low-balance threshold per tenant (NULL = no alerts) and whether the tenant is currently below it,
-- so one crossing produces one outbox event.
ALTER TABLE tenants ADD COLUMN low_balance_threshold_minor bigint CHECK (low_balance_threshold_minor >= 0);

CREATE TABLE low_balance_states (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  below boolean NOT NULL,
  changed_at timestamptz NOT NULL
);

-- Transactional outbox: rows written in the same transaction as the business change; notifications
-- and webhooks read them later (published_at set by the reader).
CREATE TABLE outbox_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('low_balance', 'number_expired', 'number_renewed', 'number_renewal_failed',
                                     'number_released_to_inventory', 'bundle_expired')),
  tenant_id uuid REFERENCES tenants (id),
  -- Makes the writer idempotent: a job that runs twice writes one row.
  dedupe_key text NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 300),
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Business time from the writer's clock.
  occurred_at timestamptz NOT NULL,
  published_at timestamptz
);
CREATE INDEX outbox_events_unpublished ON outbox_events (id) WHERE published_at IS NULL;
CREATE INDEX outbox_events_tenant ON outbox_events (tenant_id, id);
