import { withTransaction, type Pool } from '#lib/db/index.js';
import { removeNumberData } from '#lib/retention/index.js';
import { addOutboxEvent } from './outbox.js';

/** Months per subscription period. */
export const PERIOD_MONTHS = { month: 1, quarter: 3, half_year: 6, year: 12 } as const;

/** Ledger idempotency key of one renewal charge: one per subscription and period start. */
export function renewalKey(subscriptionId: string, periodStartMs: number): string {
  return `renewal:${subscriptionId}:${new Date(periodStartMs).toISOString()}`;
}

export type RenewalOutcome = { subscriptionId: string; result: 'renewed' | 'already_renewed' | 'insufficient_balance' | 'auto_renew_off' | 'expired' };

type Due = { id: string; tenant_id: string; number_id: string; e164: string; period: keyof typeof PERIOD_MONTHS; auto_renew: boolean; expires_at: Date; monthly_price_minor: number; currency: string };

/**
 * Renews subscriptions whose period ends within `aheadMs` of `nowMs`, charging the tenant ahead of
 * expiry, and expires those that cannot renew once their period is over: the subscription ends
 * with its routing and per-number data removed, and the number goes to quarantine until `nowMs + quarantineMs`. Safe to run twice: the charge has
 * a unique ledger key and the period moves only from the start it was charged for.
 */
export async function runRenewals(pool: Pool, nowMs: number, options: { aheadMs: number; quarantineMs: number; limit?: number }): Promise<RenewalOutcome[]> {
  const due = await pool.query<Due>(
    `SELECT s.id, s.tenant_id, s.number_id, n.e164, s.period, s.auto_renew, s.expires_at, n.monthly_price_minor, n.currency
       FROM number_subscriptions s JOIN numbers n ON n.id = s.number_id
      WHERE s.status = 'active' AND s.expires_at <= $1
      ORDER BY s.expires_at LIMIT $2`,
    [new Date(nowMs + options.aheadMs), options.limit ?? 1_000],
  );
  const out: RenewalOutcome[] = [];
  for (const s of due.rows) out.push(await renewOne(pool, s, nowMs, options.quarantineMs));
  return out;
}

async function renewOne(pool: Pool, s: Due, nowMs: number, quarantineMs: number): Promise<RenewalOutcome> {
  return withTransaction(pool, async (client) => {
    const periodStartMs = s.expires_at.getTime();
    const priceMinor = s.monthly_price_minor * PERIOD_MONTHS[s.period];
    if (s.auto_renew) {
      // Lock the tenant's balance row so a concurrent charge cannot slip between check and debit.
      const bal = await client.query<{ spendable: number }>(
        `SELECT coalesce(b.balance_minor, 0) + t.credit_limit_minor AS spendable
           FROM tenants t
           LEFT JOIN ledger_accounts a ON a.tenant_id = t.id AND a.code = 'tenant_cash' AND a.currency = $2
           LEFT JOIN account_balances b ON b.account_id = a.id
          WHERE t.id = $1 FOR UPDATE OF t`,
        [s.tenant_id, s.currency],
      );
      if ((bal.rows[0]?.spendable ?? 0) >= priceMinor) {
        const tx = await client.query<{ id: string }>(
          `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, description, occurred_at, metadata)
           VALUES ($1, 'number_renewal', $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
          [renewalKey(s.id, periodStartMs), s.tenant_id, `renewal of ${s.e164}`, new Date(nowMs), JSON.stringify({ subscriptionId: s.id, period: s.period, periodStartMs })],
        );
        const txId = tx.rows[0]?.id;
        if (!txId) return { subscriptionId: s.id, result: 'already_renewed' };
        if (priceMinor > 0) {
          await client.query(
            `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES
               ($1, ledger_account('tenant_cash', $2::uuid, $4::char(3)), $3::bigint * -1, $4),
               ($1, ledger_account('revenue_numbers', NULL, $4::char(3)), $3::bigint, $4)`,
            [txId, s.tenant_id, priceMinor, s.currency],
          );
        }
        await client.query(
          `UPDATE number_subscriptions
              SET expires_at = ((expires_at AT TIME ZONE 'UTC') + make_interval(months => $3)) AT TIME ZONE 'UTC'
            WHERE id = $1 AND expires_at = $2`,
          [s.id, s.expires_at, PERIOD_MONTHS[s.period]],
        );
        await addOutboxEvent(client, { kind: 'number_renewed', tenantId: s.tenant_id, dedupeKey: `number_renewed:${s.id}:${periodStartMs}`, payload: { subscriptionId: s.id, e164: s.e164, priceMinor, currency: s.currency }, atMs: nowMs });
        return { subscriptionId: s.id, result: 'renewed' };
      }
    }
    if (nowMs < periodStartMs) {
      if (s.auto_renew) {
        await addOutboxEvent(client, { kind: 'number_renewal_failed', tenantId: s.tenant_id, dedupeKey: `number_renewal_failed:${s.id}:${periodStartMs}`, payload: { subscriptionId: s.id, e164: s.e164, priceMinor, currency: s.currency }, atMs: nowMs });
        return { subscriptionId: s.id, result: 'insufficient_balance' };
      }
      return { subscriptionId: s.id, result: 'auto_renew_off' };
    }
    // The period is over and it was not renewed: end it, remove its routing and per-number data, and
    // quarantine the number (issue 9: the number leaves the workspace at once).
    const ended = await client.query("UPDATE number_subscriptions SET status = 'expired', ended_at = expires_at WHERE id = $1 AND status = 'active'", [s.id]);
    if ((ended.rowCount ?? 0) > 0) {
      await removeNumberData(client, s.id, s.number_id);
      await client.query("UPDATE numbers SET status = 'quarantine', quarantine_until = $2 WHERE id = $1", [s.number_id, new Date(nowMs + quarantineMs)]);
      await addOutboxEvent(client, { kind: 'number_expired', tenantId: s.tenant_id, dedupeKey: `number_expired:${s.id}`, payload: { subscriptionId: s.id, e164: s.e164 }, atMs: nowMs });
    }
    return { subscriptionId: s.id, result: 'expired' };
  });
}
