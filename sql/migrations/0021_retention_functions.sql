-- Retention primitives (issue 9). Each takes the current time from its caller (the job's Clock),
-- never now(), decides with it, and returns counts, never content. The BullMQ jobs that call them
-- come later. They run as the owner (SECURITY DEFINER) because they drop partitions and purge the
-- append-only ledger, which the application role may not. See docs/privacy.md.

-- What each run deleted (counts only). One row per run, or per tenant for per-tenant rules.
CREATE TABLE retention_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule text NOT NULL CHECK (rule IN ('cdr_partitions', 'billing_purge', 'workspace_expiry')),
  -- The p_now the function was given.
  ran_at timestamptz NOT NULL,
  tenant_id uuid REFERENCES tenants (id),
  counts jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retention_runs_tenant ON retention_runs (tenant_id, id);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON retention_runs FROM softswitch_app;

-- The ledger stays append-only for everyone, except the billing purge below: it sets the
-- transaction-local flag app.retention_purge and then deletes as the owner. The application role
-- has no DELETE privilege on the ledger (0007), so setting the flag does not let it delete.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('app.retention_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'table % is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER ledger_transactions_append_only ON ledger_transactions;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
DROP TRIGGER ledger_entries_append_only ON ledger_entries;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- CDRs are kept 6 months: drops every monthly partition whose whole range ended at least 6 months
-- before p_now (partition [M, M+1 month) goes when M + 1 month + 6 months <= p_now, in UTC).
CREATE FUNCTION retention_drop_cdr_partitions(p_now timestamptz)
  RETURNS TABLE (partitions_dropped integer, rows_dropped bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  -- M + 1 month <= p_now - 6 months  <=>  M + 1 month <= the month start of (p_now - 6 months),
  -- because M + 1 month is itself a month start.
  v_cutoff date := date_trunc('month', (p_now AT TIME ZONE 'UTC') - interval '6 months')::date;
  v_part record;
  v_rows bigint := 0;
  v_n bigint;
BEGIN
  IF p_now IS NULL THEN
    RAISE EXCEPTION 'p_now is required' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR v_part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'cdrs'::regclass AND c.relname ~ '^cdrs_[0-9]{6}$'
       AND to_date(substr(c.relname, 6), 'YYYYMM') + interval '1 month' <= v_cutoff
  LOOP
    EXECUTE format('SELECT count(*) FROM %I', v_part.relname) INTO v_n;
    v_rows := v_rows + v_n;
  END LOOP;
  partitions_dropped := drop_cdr_partitions_before(v_cutoff);
  rows_dropped := v_rows;
  INSERT INTO retention_runs (rule, ran_at, counts)
    VALUES ('cdr_partitions', p_now, jsonb_build_object('partitionsDropped', partitions_dropped, 'rowsDropped', rows_dropped, 'cutoff', v_cutoff));
  RETURN NEXT;
END
$$;

-- Billing data (ledger, bundles, CDR charges, balance rows, billing outbox) is kept while the
-- account lives and 12 months after it closes (legal hold: tenants.legal_hold_until when an
-- erasure set it, else closed_at + 12 calendar months in UTC), then deleted when hold <= p_now.
CREATE FUNCTION retention_purge_billing(p_now timestamptz)
  RETURNS TABLE (tenants_purged integer, transactions_deleted bigint, entries_deleted bigint,
                 bundles_deleted bigint, cdrs_deleted bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_tenant uuid;
  v_tx uuid[];
  v_tx_n bigint;
  v_en_n bigint;
  v_bu_n bigint;
  v_sms_n bigint;
  v_cdr_n bigint;
BEGIN
  IF p_now IS NULL THEN
    RAISE EXCEPTION 'p_now is required' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  tenants_purged := 0; transactions_deleted := 0; entries_deleted := 0; bundles_deleted := 0; cdrs_deleted := 0;
  PERFORM set_config('app.retention_purge', 'on', true);
  FOR v_tenant IN
    SELECT t.id FROM tenants t
     WHERE t.status = 'closed' AND t.billing_purged_at IS NULL
       AND coalesce(t.legal_hold_until, ((t.closed_at AT TIME ZONE 'UTC') + interval '12 months') AT TIME ZONE 'UTC') <= p_now
     ORDER BY t.id FOR UPDATE
  LOOP
    SELECT coalesce(array_agg(DISTINCT x.id), '{}') INTO v_tx FROM (
      SELECT lt.id FROM ledger_transactions lt WHERE lt.tenant_id = v_tenant
      UNION SELECT le.transaction_id FROM ledger_entries le WHERE le.tenant_id = v_tenant) x;
    DELETE FROM minute_bundles WHERE tenant_id = v_tenant OR ledger_transaction_id = ANY (v_tx);
    GET DIAGNOSTICS v_bu_n = ROW_COUNT;
    DELETE FROM sms_bundles WHERE tenant_id = v_tenant OR ledger_transaction_id = ANY (v_tx);
    GET DIAGNOSTICS v_sms_n = ROW_COUNT;
    DELETE FROM ledger_entries WHERE transaction_id = ANY (v_tx);
    GET DIAGNOSTICS v_en_n = ROW_COUNT;
    DELETE FROM ledger_transactions WHERE id = ANY (v_tx);
    GET DIAGNOSTICS v_tx_n = ROW_COUNT;
    DELETE FROM account_balances WHERE tenant_id = v_tenant;
    DELETE FROM ledger_accounts WHERE tenant_id = v_tenant;
    DELETE FROM low_balance_states WHERE tenant_id = v_tenant;
    DELETE FROM outbox_events WHERE tenant_id = v_tenant;
    DELETE FROM cdrs WHERE tenant_id = v_tenant;
    GET DIAGNOSTICS v_cdr_n = ROW_COUNT;
    UPDATE tenants SET billing_purged_at = p_now WHERE id = v_tenant;
    INSERT INTO retention_runs (rule, ran_at, tenant_id, counts)
      VALUES ('billing_purge', p_now, v_tenant, jsonb_build_object('transactions', v_tx_n, 'entries', v_en_n,
              'bundles', v_bu_n + v_sms_n, 'cdrs', v_cdr_n));
    tenants_purged := tenants_purged + 1;
    transactions_deleted := transactions_deleted + v_tx_n;
    entries_deleted := entries_deleted + v_en_n;
    bundles_deleted := bundles_deleted + v_bu_n + v_sms_n;
    cdrs_deleted := cdrs_deleted + v_cdr_n;
  END LOOP;
  PERFORM set_config('app.retention_purge', 'off', true);
  RETURN NEXT;
END
$$;

-- An expired workspace (expires_at <= p_now), once: its live numbers go to quarantine for
-- p_quarantine_days and their subscriptions end (routing data removed from every subscription),
-- SIP users and API keys are deleted, a positive cash balance is removed by a balancing ledger
-- transaction (kind adjustment, against the platform 'adjustments' account), unused bundle
-- minutes/messages are zeroed, and its CDRs are deleted. The tenant row stays.
CREATE FUNCTION retention_expire_workspaces(p_now timestamptz, p_quarantine_days integer DEFAULT 30)
  RETURNS TABLE (workspaces_expired integer, numbers_quarantined bigint, subscriptions_ended bigint,
                 sip_users_deleted bigint, api_keys_deleted bigint, credit_removed_minor bigint,
                 bundles_emptied bigint, cdrs_deleted bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_tenant uuid;
  v_bal record;
  v_tx uuid;
  v_num bigint; v_sub bigint; v_sip bigint; v_key bigint; v_credit bigint; v_bun bigint; v_sms bigint; v_cdr bigint;
BEGIN
  IF p_now IS NULL OR p_quarantine_days IS NULL OR p_quarantine_days < 0 THEN
    RAISE EXCEPTION 'p_now and a non-negative p_quarantine_days are required' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  workspaces_expired := 0; numbers_quarantined := 0; subscriptions_ended := 0; sip_users_deleted := 0;
  api_keys_deleted := 0; credit_removed_minor := 0; bundles_emptied := 0; cdrs_deleted := 0;
  FOR v_tenant IN
    SELECT t.id FROM tenants t
     WHERE t.expires_at IS NOT NULL AND t.expires_at <= p_now AND t.expiry_processed_at IS NULL
     ORDER BY t.id FOR UPDATE
  LOOP
    UPDATE numbers n SET status = 'quarantine', quarantine_until = p_now + make_interval(days => p_quarantine_days)
      FROM number_subscriptions s
     WHERE s.number_id = n.id AND s.tenant_id = v_tenant AND s.status IN ('pending_kyc', 'active');
    GET DIAGNOSTICS v_num = ROW_COUNT;
    UPDATE number_subscriptions SET status = 'expired', ended_at = p_now
     WHERE tenant_id = v_tenant AND status IN ('pending_kyc', 'active');
    GET DIAGNOSTICS v_sub = ROW_COUNT;
    UPDATE number_subscriptions SET routing_kind = NULL, routing_sip_user_ids = NULL, routing_sip_uri = NULL, routing_forward_e164 = NULL
     WHERE tenant_id = v_tenant AND routing_kind IS NOT NULL;
    DELETE FROM sip_users WHERE tenant_id = v_tenant;
    GET DIAGNOSTICS v_sip = ROW_COUNT;
    DELETE FROM api_keys WHERE tenant_id = v_tenant;
    GET DIAGNOSTICS v_key = ROW_COUNT;
    v_credit := 0;
    FOR v_bal IN
      SELECT b.account_id, b.currency, b.balance_minor FROM account_balances b JOIN ledger_accounts a ON a.id = b.account_id
       WHERE b.tenant_id = v_tenant AND a.code = 'tenant_cash' AND b.balance_minor > 0
    LOOP
      INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, description, occurred_at, metadata)
        VALUES (format('expiry:%s:%s', v_tenant, v_bal.currency), 'adjustment', v_tenant,
                'remaining credit removed on workspace expiry', p_now, jsonb_build_object('reason', 'workspace_expired'))
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id INTO v_tx;
      IF v_tx IS NOT NULL THEN
        INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES
          (v_tx, v_bal.account_id, -v_bal.balance_minor, v_bal.currency),
          (v_tx, ledger_account('adjustments', NULL, v_bal.currency), v_bal.balance_minor, v_bal.currency);
        v_credit := v_credit + v_bal.balance_minor;
      END IF;
    END LOOP;
    UPDATE minute_bundles SET seconds_remaining = 0 WHERE tenant_id = v_tenant AND seconds_remaining > 0;
    GET DIAGNOSTICS v_bun = ROW_COUNT;
    UPDATE sms_bundles SET messages_remaining = 0 WHERE tenant_id = v_tenant AND messages_remaining > 0;
    GET DIAGNOSTICS v_sms = ROW_COUNT;
    DELETE FROM cdrs WHERE tenant_id = v_tenant;
    GET DIAGNOSTICS v_cdr = ROW_COUNT;
    UPDATE tenants SET expiry_processed_at = p_now WHERE id = v_tenant;
    INSERT INTO retention_runs (rule, ran_at, tenant_id, counts)
      VALUES ('workspace_expiry', p_now, v_tenant, jsonb_build_object('numbers', v_num, 'subscriptions', v_sub,
              'sipUsers', v_sip, 'apiKeys', v_key, 'creditRemovedMinor', v_credit, 'bundles', v_bun + v_sms, 'cdrs', v_cdr));
    workspaces_expired := workspaces_expired + 1;
    numbers_quarantined := numbers_quarantined + v_num;
    subscriptions_ended := subscriptions_ended + v_sub;
    sip_users_deleted := sip_users_deleted + v_sip;
    api_keys_deleted := api_keys_deleted + v_key;
    credit_removed_minor := credit_removed_minor + v_credit;
    bundles_emptied := bundles_emptied + v_bun + v_sms;
    cdrs_deleted := cdrs_deleted + v_cdr;
  END LOOP;
  RETURN NEXT;
END
$$;

REVOKE ALL ON FUNCTION retention_drop_cdr_partitions(timestamptz), retention_purge_billing(timestamptz),
  retention_expire_workspaces(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention_drop_cdr_partitions(timestamptz), retention_purge_billing(timestamptz),
  retention_expire_workspaces(timestamptz, integer) TO softswitch_app;
