-- SMS under the retention rules (issue 9, docs/privacy.md "SMS"). sms_messages (0050) holds message
-- bodies and both parties' numbers. Rules, each deciding with the caller's p_now (the job's Clock):
--   * a body is cleared ('') 30 days (720 h) after the message (occurred_at + 30 days <= p_now),
--     whatever its status: the API shows the message, and stored-for-pickup ones wait there, that
--     long; there is no pickup acknowledgement yet that could end it earlier;
--   * the row (numbers, status, price, ledger key) is deleted 6 calendar months (UTC) after the
--     message, like a CDR (occurred_at + 6 months <= p_now);
--   * an expired workspace loses all its SMS on its expiry time.
--
-- This file runs BEFORE 0050 on a fresh database (migrations apply in number order), so it may not
-- name sms_messages outside PL/pgSQL bodies (which are resolved when they run): no DDL on the table
-- here. Without an index on occurred_at alone, both rules walk one tenant at a time through the
-- (tenant_id, occurred_at) index of 0050.

ALTER TABLE retention_runs DROP CONSTRAINT retention_runs_rule_check;
ALTER TABLE retention_runs ADD CONSTRAINT retention_runs_rule_check
  CHECK (rule IN ('cdr_partitions', 'billing_purge', 'workspace_expiry', 'sms_retention', 'sms_workspace_expiry'));

-- Clears bodies 30 days old and deletes rows 6 months old; one retention_runs row of counts per run.
CREATE FUNCTION retention_sms(p_now timestamptz)
  RETURNS TABLE (bodies_cleared bigint, rows_deleted bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  -- A fixed length of time (not calendar days: no daylight-saving hour in or out).
  v_body_cutoff timestamptz := p_now - interval '720 hours';
  v_row_cutoff timestamptz := ((p_now AT TIME ZONE 'UTC') - interval '6 months') AT TIME ZONE 'UTC';
  v_tenant uuid;
  v_n bigint;
BEGIN
  IF p_now IS NULL THEN
    RAISE EXCEPTION 'p_now is required' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  bodies_cleared := 0; rows_deleted := 0;
  FOR v_tenant IN SELECT t.id FROM tenants t ORDER BY t.id LOOP
    DELETE FROM sms_messages WHERE tenant_id = v_tenant AND occurred_at <= v_row_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    rows_deleted := rows_deleted + v_n;
    UPDATE sms_messages SET body = ''
     WHERE tenant_id = v_tenant AND occurred_at > v_row_cutoff AND occurred_at <= v_body_cutoff AND body <> '';
    GET DIAGNOSTICS v_n = ROW_COUNT;
    bodies_cleared := bodies_cleared + v_n;
  END LOOP;
  INSERT INTO retention_runs (rule, ran_at, counts)
    VALUES ('sms_retention', p_now, jsonb_build_object('bodiesCleared', bodies_cleared, 'rowsDeleted', rows_deleted,
            'bodyCutoff', v_body_cutoff, 'rowCutoff', v_row_cutoff));
  RETURN NEXT;
END
$$;

-- Deletes every SMS of a workspace whose expires_at <= p_now. The workspace-expiry job runs it
-- before retention_expire_workspaces, which deletes the SIP users that sms_messages.sip_user_id
-- names. One retention_runs row per workspace that had messages.
CREATE FUNCTION retention_expire_workspace_sms(p_now timestamptz)
  RETURNS TABLE (workspaces integer, rows_deleted bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_tenant uuid;
  v_n bigint;
BEGIN
  IF p_now IS NULL THEN
    RAISE EXCEPTION 'p_now is required' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  workspaces := 0; rows_deleted := 0;
  FOR v_tenant IN SELECT t.id FROM tenants t WHERE t.expires_at IS NOT NULL AND t.expires_at <= p_now ORDER BY t.id LOOP
    DELETE FROM sms_messages WHERE tenant_id = v_tenant;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    CONTINUE WHEN v_n = 0;
    INSERT INTO retention_runs (rule, ran_at, tenant_id, counts)
      VALUES ('sms_workspace_expiry', p_now, v_tenant, jsonb_build_object('smsDeleted', v_n));
    workspaces := workspaces + 1;
    rows_deleted := rows_deleted + v_n;
  END LOOP;
  RETURN NEXT;
END
$$;

REVOKE ALL ON FUNCTION retention_sms(timestamptz), retention_expire_workspace_sms(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION retention_sms(timestamptz), retention_expire_workspace_sms(timestamptz) TO softswitch_app;
