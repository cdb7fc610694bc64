import { withTransaction, type Pool } from '#lib/db/index.js';
import { addOutboxEvent } from './outbox.js';

/**
 * Compares every tenant that has a low-balance threshold with its balance (plus credit limit) and
 * writes one `low_balance` outbox event per downward crossing; going back above re-arms it.
 * Returns how many events were written.
 */
export async function checkLowBalances(pool: Pool, nowMs: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    const rows = await client.query<{ tenant_id: string; spendable: number; threshold: number; currency: string; below: boolean | null }>(
      `SELECT t.id AS tenant_id, tb.balance_minor + tb.credit_limit_minor AS spendable, t.low_balance_threshold_minor AS threshold,
              t.currency, s.below
         FROM tenants t JOIN tenant_balances tb ON tb.tenant_id = t.id
         LEFT JOIN low_balance_states s ON s.tenant_id = t.id
        WHERE t.low_balance_threshold_minor IS NOT NULL AND t.status = 'active'
        FOR UPDATE OF t`,
    );
    let written = 0;
    for (const r of rows.rows) {
      const below = r.spendable < r.threshold;
      if (below === r.below) continue;
      await client.query(
        `INSERT INTO low_balance_states (tenant_id, below, changed_at) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET below = EXCLUDED.below, changed_at = EXCLUDED.changed_at`,
        [r.tenant_id, below, new Date(nowMs)],
      );
      if (below && (await addOutboxEvent(client, { kind: 'low_balance', tenantId: r.tenant_id, dedupeKey: `low_balance:${r.tenant_id}:${nowMs}`, payload: { balanceMinor: r.spendable, thresholdMinor: r.threshold, currency: r.currency }, atMs: nowMs }))) written++;
    }
    return written;
  });
}
