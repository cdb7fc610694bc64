import type { PoolClient } from '#lib/db/index.js';
import { one } from '../db/rows.js';

/** What an erasure keeps, why, and until when (null: kept, nothing personal left in it). */
export type KeptItem = { data: string; reason: string; until: string | null };

export type ErasureOutcome =
  | {
      kind: 'erased';
      closedAt: Date;
      erasedAt: Date;
      legalHoldUntil: Date;
      removed: Record<string, number>;
      kept: KeptItem[];
      deletedSipUserIds: string[];
      deletedApiKeyIds: string[];
      endedSubscriptionIds: string[];
    }
  | { kind: 'already_erased'; erasedAt: Date; legalHoldUntil: Date | null }
  | { kind: 'not_found' };

/** Digits kept at the front of a masked called number: the rated prefix, at least 2, at most 8. */
export const CALLED_KEEP_MIN = 2;
export const CALLED_KEEP_MAX = 8;
/** Digits kept at the front of a masked calling number (about a country code). */
export const CALLING_KEEP = 2;
/** Digits kept at the front of both masked numbers of an SMS: its price is per message, not per destination. */
export const SMS_KEEP = 2;

type TenantRow = { status: string; closed_at: Date | null; erased_at: Date | null; legal_hold_until: Date | null };

/**
 * Erases a workspace's personal data in the caller's transaction (scoped to that tenant), keeping
 * what billing law requires until the legal hold ends (closed_at + 12 months, UTC months):
 * closes the tenant; deletes its users, API keys, SIP users and blocked prefixes; ends live number
 * subscriptions (numbers to quarantine for `quarantineDays`) and removes routing data from all of
 * them (and the numbers' recording opt-in); makes its recordings expire now (the retention job deletes
 * them) and removes staff diagnostic-recording windows; masks calling/called numbers in its CDRs;
 * erases its SMS bodies, Call-IDs and SIP users and masks their numbers (`anonymiseSms`).
 * See docs/privacy.md.
 */
export async function eraseTenant(c: PoolClient, tenantId: string, now: Date, quarantineDays: number): Promise<ErasureOutcome> {
  const t = (await c.query<TenantRow>(`SELECT status, closed_at, erased_at, legal_hold_until FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId])).rows[0];
  if (!t) return { kind: 'not_found' };
  if (t.erased_at !== null) return { kind: 'already_erased', erasedAt: t.erased_at, legalHoldUntil: t.legal_hold_until };

  const closed = await c.query<{ closed_at: Date; legal_hold_until: Date }>(
    `UPDATE tenants SET status = 'closed', closed_at = coalesce(closed_at, $2), erased_at = $2,
            legal_hold_until = ((coalesce(closed_at, $2) AT TIME ZONE 'UTC') + interval '12 months') AT TIME ZONE 'UTC'
      WHERE id = $1 RETURNING closed_at, legal_hold_until`,
    [tenantId, now],
  );
  const { closed_at: closedAt, legal_hold_until: legalHoldUntil } = one(closed);

  // Before the SIP users go: SMS rows name them.
  const sms = await anonymiseSms(c, tenantId);
  const users = await c.query(`DELETE FROM tenant_users WHERE tenant_id = $1`, [tenantId]);
  const keys = await c.query<{ id: string }>(`DELETE FROM api_keys WHERE tenant_id = $1 RETURNING id`, [tenantId]);
  const sip = await c.query<{ id: string }>(`DELETE FROM sip_users WHERE tenant_id = $1 RETURNING id`, [tenantId]);
  const blocked = await c.query(`DELETE FROM blocked_prefixes WHERE tenant_id = $1`, [tenantId]);
  const numbers = await c.query(
    `UPDATE numbers n SET status = 'quarantine', quarantine_until = $2::timestamptz + make_interval(days => $3)
       FROM number_subscriptions s WHERE s.number_id = n.id AND s.tenant_id = $1 AND s.status IN ('pending_kyc', 'active')`,
    [tenantId, now, quarantineDays],
  );
  const ended = await c.query<{ id: string }>(
    `UPDATE number_subscriptions SET status = 'released', ended_at = $2 WHERE tenant_id = $1 AND status IN ('pending_kyc', 'active') RETURNING id`,
    [tenantId, now],
  );
  const routing = await c.query(
    `UPDATE number_subscriptions SET routing_kind = NULL, routing_sip_user_ids = NULL, routing_sip_uri = NULL, routing_forward_e164 = NULL, recording_enabled = false
      WHERE tenant_id = $1 AND (routing_kind IS NOT NULL OR recording_enabled)`,
    [tenantId],
  );
  // Recordings are personal data (voices): they expire now, and the `recordings` retention job deletes
  // the audio and the rows on its next run (the API holds no key to the store's files for that).
  const recordings = await c.query(
    `UPDATE recordings SET expires_at = greatest($2::timestamptz, started_at + interval '1 millisecond') WHERE tenant_id = $1 AND expires_at > $2`,
    [tenantId, now],
  );
  const diagnostic = await c.query(`DELETE FROM diagnostic_recording_flags WHERE tenant_id = $1`, [tenantId]);
  const cdrs = await c.query(
    `UPDATE cdrs SET calling_number = privacy_mask_number(calling_number, $2),
            called_number = privacy_mask_number(called_number,
              least(greatest(coalesce(length(rating->>'prefix'), 0), $3), $4))
      WHERE tenant_id = $1`,
    [tenantId, CALLING_KEEP, CALLED_KEEP_MIN, CALLED_KEEP_MAX],
  );

  const hold = legalHoldUntil.toISOString();
  const kept: KeptItem[] = [
    { data: 'ledger transactions and entries, balances, minute and SMS bundles', reason: 'billing records (legal hold)', until: hold },
    { data: 'CDRs with masked calling and called numbers (charges, durations, times)', reason: 'billing records (legal hold); each is dropped earlier by the 6-month CDR retention', until: hold },
    ...(sms.count > 0 && sms.keptUntil !== null
      ? [{ data: 'SMS records without bodies, Call-IDs or SIP users, with masked numbers (direction, status, price, currency, ledger key, bundle, times)', reason: 'billing records (legal hold); each is deleted 6 months after its message by the SMS retention', until: (sms.keptUntil < legalHoldUntil ? sms.keptUntil : legalHoldUntil).toISOString() }]
      : []),
    { data: 'number subscription history without routing data', reason: 'billing records (legal hold)', until: hold },
    { data: 'workspace record (name, country, currency, status, dates)', reason: 'invoice party under legal hold; the empty record stays after the hold', until: hold },
    { data: 'privacy request log and audit log', reason: 'proof that requests were handled (accountability)', until: null },
  ];
  return {
    kind: 'erased',
    closedAt,
    erasedAt: now,
    legalHoldUntil,
    removed: {
      users: users.rowCount ?? 0,
      apiKeys: keys.rowCount ?? 0,
      sipUsers: sip.rowCount ?? 0,
      blockedPrefixes: blocked.rowCount ?? 0,
      numbersQuarantined: numbers.rowCount ?? 0,
      subscriptionsEnded: ended.rowCount ?? 0,
      subscriptionRoutingCleared: routing.rowCount ?? 0,
      cdrsAnonymised: cdrs.rowCount ?? 0,
      smsAnonymised: sms.count,
      recordingsExpired: recordings.rowCount ?? 0,
      diagnosticFlagsRemoved: diagnostic.rowCount ?? 0,
    },
    kept,
    deletedSipUserIds: sip.rows.map((r) => r.id),
    deletedApiKeyIds: keys.rows.map((r) => r.id),
    endedSubscriptionIds: ended.rows.map((r) => r.id),
  };
}

/**
 * An erased workspace's SMS keep only their billing facts: the body is emptied, both numbers are
 * masked like CDR numbers (`privacy_mask_number`, 0022), the SIP Call-ID (which often carries the
 * device's address) becomes `erased:<id>` and the SIP user is unlinked. Returns how many rows, and
 * when the last of them goes (6 calendar months after the newest message, the SMS retention of 0033).
 */
async function anonymiseSms(c: PoolClient, tenantId: string): Promise<{ count: number; keptUntil: Date | null }> {
  const r = await c.query<{ n: number; kept_until: Date | null }>(
    `WITH erased AS (
       UPDATE sms_messages SET body = '', from_number = privacy_mask_number(from_number, $2), to_number = privacy_mask_number(to_number, $2),
              sip_call_id = 'erased:' || id::text, sip_user_id = NULL
        WHERE tenant_id = $1 RETURNING occurred_at)
     SELECT count(*)::int AS n, ((max(occurred_at) AT TIME ZONE 'UTC') + interval '6 months') AT TIME ZONE 'UTC' AS kept_until FROM erased`,
    [tenantId, SMS_KEEP],
  );
  const row = r.rows[0];
  return { count: row?.n ?? 0, keptUntil: row?.kept_until ?? null };
}
