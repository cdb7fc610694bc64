import { withTransaction, type Pool } from '#lib/db/index.js';
import { addOutboxEvent } from './outbox.js';

/** Returns numbers whose quarantine ended by `nowMs` to the inventory. Returns how many. */
export async function releaseQuarantined(pool: Pool, nowMs: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    const res = await client.query<{ id: string; e164: string; until: Date }>(
      `WITH due AS (SELECT id, quarantine_until FROM numbers WHERE status = 'quarantine' AND quarantine_until <= $1 FOR UPDATE)
       UPDATE numbers n SET status = 'available', quarantine_until = NULL FROM due WHERE n.id = due.id
       RETURNING n.id, n.e164, due.quarantine_until AS until`,
      [new Date(nowMs)],
    );
    for (const r of res.rows) {
      await addOutboxEvent(client, { kind: 'number_released_to_inventory', tenantId: null, dedupeKey: `number_released:${r.id}:${r.until.getTime()}`, payload: { numberId: r.id, e164: r.e164 }, atMs: nowMs });
    }
    return res.rows.length;
  });
}
