-- ledger_entries_apply (0101, 0103) reads the statement's entries grouped instead of row by row
-- (issue 6, bench:cdr-ingest): the account check runs once per distinct (account, tenant, currency)
-- — a batch of 2,000 call entries has one per tenant plus the revenue account — and the
-- transaction check and the zero-sum test once per distinct transaction, in one pass. Same rules,
-- same errors as 0103.

CREATE OR REPLACE FUNCTION ledger_entries_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_bad record;
  v_missing uuid;
  v_unbalanced uuid[];
BEGIN
  SELECT g.account_id, g.currency, a.currency AS account_currency, g.tenant_id, a.tenant_id AS account_tenant INTO v_bad
    FROM (SELECT DISTINCT account_id, tenant_id, currency FROM new_entries) g
    LEFT JOIN ledger_accounts a ON a.id = g.account_id
   WHERE a.currency IS DISTINCT FROM g.currency OR a.tenant_id IS DISTINCT FROM g.tenant_id
   LIMIT 1;
  IF FOUND THEN
    IF v_bad.account_currency IS DISTINCT FROM v_bad.currency THEN
      RAISE EXCEPTION 'ledger entry currency % differs from account currency %', v_bad.currency, v_bad.account_currency
        USING ERRCODE = 'check_violation';
    END IF;
    RAISE EXCEPTION 'ledger entry tenant % differs from account % tenant %', v_bad.tenant_id, v_bad.account_id, v_bad.account_tenant
      USING ERRCODE = 'check_violation';
  END IF;
  -- Per transaction of the statement: does it exist, and do its entries here sum to zero per currency?
  SELECT (array_agg(s.transaction_id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = s.transaction_id)))[1],
         array_agg(s.transaction_id) FILTER (WHERE s.unbalanced)
    INTO v_missing, v_unbalanced
    FROM (SELECT transaction_id, bool_or(total <> 0) AS unbalanced
            FROM (SELECT transaction_id, sum(amount_minor) AS total FROM new_entries GROUP BY transaction_id, currency) c
           GROUP BY transaction_id) s;
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'ledger entry transaction % does not exist', v_missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  -- One upsert per tenant account, in account order (concurrent writers lock rows in the same order).
  INSERT INTO account_balances AS b (account_id, tenant_id, currency, balance_minor)
    SELECT account_id, tenant_id, currency, sum(amount_minor)
      FROM new_entries WHERE tenant_id IS NOT NULL
     GROUP BY account_id, tenant_id, currency
     ORDER BY account_id
    ON CONFLICT (account_id) DO UPDATE SET balance_minor = b.balance_minor + EXCLUDED.balance_minor, updated_at = now();
  -- Only transactions this statement leaves unbalanced wait for the check at commit (0103).
  IF v_unbalanced IS NOT NULL THEN
    INSERT INTO ledger_balance_checks (transaction_ids) VALUES (v_unbalanced);
  END IF;
  RETURN NULL;
END
$$;
