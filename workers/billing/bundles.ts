import { withTransaction, type Pool } from '#lib/db/index.js';
import { addOutboxEvent } from './outbox.js';

/** Zeroes minute bundles that expired by `nowMs` (their unused seconds lapse). Returns how many. */
export async function expireBundles(pool: Pool, nowMs: number): Promise<number> {
  return withTransaction(pool, async (client) => {
    const res = await client.query<{ id: string; tenant_id: string; lapsed: number }>(
      `WITH due AS (SELECT id, seconds_remaining FROM minute_bundles WHERE seconds_remaining > 0 AND expires_at <= $1 FOR UPDATE)
       UPDATE minute_bundles b SET seconds_remaining = 0 FROM due WHERE b.id = due.id
       RETURNING b.id, b.tenant_id, due.seconds_remaining AS lapsed`,
      [new Date(nowMs)],
    );
    for (const r of res.rows) {
      await addOutboxEvent(client, { kind: 'bundle_expired', tenantId: r.tenant_id, dedupeKey: `bundle_expired:${r.id}`, payload: { bundleId: r.id, lapsedSec: r.lapsed }, atMs: nowMs });
    }
    return res.rows.length;
  });
}
