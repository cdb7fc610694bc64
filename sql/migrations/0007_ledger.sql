-- Append-only double-entry ledger, maintained tenant balances, minute and SMS bundles.

CREATE TABLE ledger_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- tenant_cash: a tenant's money (credit balance is positive).
  -- Platform accounts (tenant_id NULL): revenue_calls, revenue_numbers, revenue_sms,
  -- revenue_bundles, topups_clearing, carrier_costs, adjustments.
  code text NOT NULL CHECK (code IN ('tenant_cash', 'revenue_calls', 'revenue_numbers', 'revenue_sms',
                                     'revenue_bundles', 'topups_clearing', 'carrier_costs', 'adjustments')),
  tenant_id uuid REFERENCES tenants (id),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (code, tenant_id, currency),
  CHECK ((code = 'tenant_cash') = (tenant_id IS NOT NULL))
);

-- Finds or creates an account; safe under concurrency.
CREATE FUNCTION ledger_account(p_code text, p_tenant uuid, p_currency char(3)) RETURNS uuid
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_id uuid;
BEGIN
  SELECT id INTO v_id FROM ledger_accounts
   WHERE code = p_code AND tenant_id IS NOT DISTINCT FROM p_tenant AND currency = p_currency;
  IF v_id IS NULL THEN
    INSERT INTO ledger_accounts (code, tenant_id, currency) VALUES (p_code, p_tenant, p_currency)
      ON CONFLICT (code, tenant_id, currency) DO NOTHING RETURNING id INTO v_id;
    IF v_id IS NULL THEN
      SELECT id INTO v_id FROM ledger_accounts
       WHERE code = p_code AND tenant_id IS NOT DISTINCT FROM p_tenant AND currency = p_currency;
    END IF;
  END IF;
  RETURN v_id;
END
$$;

CREATE TABLE ledger_transactions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- e.g. 'topup:<tenant>:<Idempotency-Key>', 'call:<call_id>:<leg>:charge', 'did:<subscription>:<period start>'.
  idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  kind text NOT NULL CHECK (kind IN ('topup', 'call_charge', 'sms_charge', 'number_setup', 'number_renewal',
                                     'bundle_purchase', 'refund', 'adjustment')),
  tenant_id uuid REFERENCES tenants (id),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  -- Business time, passed in by the writer (clock.now()), never SQL now().
  occurred_at timestamptz NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_tenant ON ledger_transactions (tenant_id, occurred_at);

CREATE TABLE ledger_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
  account_id uuid NOT NULL REFERENCES ledger_accounts (id),
  -- Copied from the account, for row-level security and per-tenant queries.
  tenant_id uuid REFERENCES tenants (id),
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id);

-- Maintained balance per tenant account, updated by trigger in the writer's transaction.
-- Platform accounts are not maintained here (their rows would serialise every charge): see platform_account_balances.
CREATE TABLE account_balances (
  account_id uuid PRIMARY KEY REFERENCES ledger_accounts (id),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  currency char(3) NOT NULL,
  balance_minor bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_balances_tenant ON account_balances (tenant_id);

-- SECURITY DEFINER: the balance row and the account are maintained whatever the writer's RLS scope.
CREATE FUNCTION ledger_entry_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_account ledger_accounts%ROWTYPE;
BEGIN
  SELECT * INTO v_account FROM ledger_accounts WHERE id = NEW.account_id;
  IF v_account.currency <> NEW.currency THEN
    RAISE EXCEPTION 'ledger entry currency % differs from account currency %', NEW.currency, v_account.currency
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.tenant_id := v_account.tenant_id;
  IF v_account.tenant_id IS NOT NULL THEN
    INSERT INTO account_balances AS b (account_id, tenant_id, currency, balance_minor)
      VALUES (NEW.account_id, v_account.tenant_id, NEW.currency, NEW.amount_minor)
      ON CONFLICT (account_id) DO UPDATE SET balance_minor = b.balance_minor + EXCLUDED.balance_minor, updated_at = now();
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER ledger_entries_check BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entry_check();

-- Entries of one transaction sum to zero per currency, checked at commit.
-- SECURITY DEFINER: the sum must see every entry of the transaction, not only the writer's tenant's.
CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_bad record;
BEGIN
  SELECT currency, sum(amount_minor) AS total INTO v_bad FROM ledger_entries
   WHERE transaction_id = NEW.transaction_id GROUP BY currency HAVING sum(amount_minor) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: % %', NEW.transaction_id, v_bad.total, v_bad.currency
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();

CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE VIEW platform_account_balances AS
  SELECT a.id AS account_id, a.code, a.currency, coalesce(sum(e.amount_minor), 0)::bigint AS balance_minor
  FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
  WHERE a.tenant_id IS NULL GROUP BY a.id, a.code, a.currency;

-- A tenant's cash balance (0 when it has no account yet).
CREATE VIEW tenant_balances WITH (security_invoker = true) AS
  SELECT t.id AS tenant_id, t.currency, coalesce(b.balance_minor, 0)::bigint AS balance_minor, t.credit_limit_minor
  FROM tenants t
  LEFT JOIN ledger_accounts a ON a.tenant_id = t.id AND a.code = 'tenant_cash' AND a.currency = t.currency
  LEFT JOIN account_balances b ON b.account_id = a.id;

-- Minute bundles: seconds for destinations starting with any of `prefixes`; expire one year after credit.
CREATE TABLE minute_bundles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  prefixes text[] NOT NULL CHECK (cardinality(prefixes) > 0),
  seconds_granted integer NOT NULL CHECK (seconds_granted > 0),
  seconds_remaining integer NOT NULL CHECK (seconds_remaining >= 0),
  credited_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ledger_transaction_id uuid REFERENCES ledger_transactions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (seconds_remaining <= seconds_granted),
  CHECK (expires_at = credited_at + interval '1 year')
);
CREATE INDEX minute_bundles_tenant ON minute_bundles (tenant_id, expires_at) WHERE seconds_remaining > 0;

CREATE TABLE sms_bundles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  prefixes text[] NOT NULL CHECK (cardinality(prefixes) > 0),
  messages_granted integer NOT NULL CHECK (messages_granted > 0),
  messages_remaining integer NOT NULL CHECK (messages_remaining >= 0),
  credited_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ledger_transaction_id uuid REFERENCES ledger_transactions (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (messages_remaining <= messages_granted),
  CHECK (expires_at > credited_at)
);
CREATE INDEX sms_bundles_tenant ON sms_bundles (tenant_id, expires_at) WHERE messages_remaining > 0;

REVOKE UPDATE, DELETE, TRUNCATE ON ledger_transactions, ledger_entries FROM softswitch_app;
