-- Ledger entries: the last per-row work of a batch insert moves into 0101's statement trigger
-- (issue 6, bench:cdr-ingest). The rules stay those of 0007/0101:
--   * an entry belongs to an existing ledger transaction;
--   * an entry's tenant_id is its account's tenant (and so an existing tenant: ledger_accounts.tenant_id
--     references tenants), its currency the account's; the account exists (its foreign key stays);
--   * the entries of one transaction sum to zero per currency, checked at commit.
-- Before: per entry three foreign-key checks (transaction, account, tenant), each one SPI query.
-- After: the account key stays; the transaction is checked once per statement (one anti-join over the
-- transition table; ledger transactions are append-only, so a checked row cannot go away), and the
-- tenant key is dropped because the statement check already ties every entry's tenant to its
-- account's. The zero-sum check at commit is only queued for transactions whose entries in this
-- statement do not already sum to zero: a transaction's total is the sum of its statements' sums,
-- so if each statement balances it, the total is zero; one unbalanced statement (entries written in
-- two statements, as the control API does) still gets the check at commit over all its entries.

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_transaction_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_tenant_id_fkey;

CREATE OR REPLACE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_bad record;
  v_missing uuid;
BEGIN
  SELECT e.transaction_id INTO v_missing FROM new_entries e
   WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = e.transaction_id)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry transaction % does not exist', v_missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT e.account_id, e.currency, a.currency AS account_currency, e.tenant_id, a.tenant_id AS account_tenant INTO v_bad
    FROM new_entries e LEFT JOIN ledger_accounts a ON a.id = e.account_id
   WHERE a.currency IS DISTINCT FROM e.currency OR a.tenant_id IS DISTINCT FROM e.tenant_id
   LIMIT 1;
  IF FOUND THEN
    IF v_bad.account_currency IS DISTINCT FROM v_bad.currency THEN
      RAISE EXCEPTION 'ledger entry currency % differs from account currency %', v_bad.currency, v_bad.account_currency
        USING ERRCODE = 'check_violation';
    END IF;
    RAISE EXCEPTION 'ledger entry tenant % differs from account % tenant %', v_bad.tenant_id, v_bad.account_id, v_bad.account_tenant
      USING ERRCODE = 'check_violation';
  END IF;
  -- One upsert per tenant account, in account order (concurrent writers lock rows in the same order).
  INSERT INTO account_balances AS b (account_id, tenant_id, currency, balance_minor)
    SELECT account_id, tenant_id, currency, sum(amount_minor)
      FROM new_entries WHERE tenant_id IS NOT NULL
     GROUP BY account_id, tenant_id, currency
     ORDER BY account_id
    ON CONFLICT (account_id) DO UPDATE SET balance_minor = b.balance_minor + EXCLUDED.balance_minor, updated_at = now();
  -- Only transactions this statement leaves unbalanced wait for the check at commit.
  INSERT INTO ledger_balance_checks (transaction_ids)
    SELECT array_agg(DISTINCT transaction_id)
      FROM (SELECT transaction_id FROM new_entries GROUP BY transaction_id, currency HAVING sum(amount_minor) <> 0) u
    HAVING count(*) > 0;
  RETURN NULL;
END
$$;
