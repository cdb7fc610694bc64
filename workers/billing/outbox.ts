import type { PoolClient } from '#lib/db/index.js';

export type OutboxKind = 'low_balance' | 'number_expired' | 'number_renewed' | 'number_renewal_failed' | 'number_released_to_inventory' | 'bundle_expired';

/** Adds an outbox row in the caller's transaction; a second write with the same dedupe key is a no-op. Returns true when written. */
export async function addOutboxEvent(client: PoolClient, e: { kind: OutboxKind; tenantId: string | null; dedupeKey: string; payload: Record<string, unknown>; atMs: number }): Promise<boolean> {
  const r = await client.query(
    `INSERT INTO outbox_events (kind, tenant_id, dedupe_key, payload, occurred_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [e.kind, e.tenantId, e.dedupeKey, JSON.stringify(e.payload), new Date(e.atMs)],
  );
  return (r.rowCount ?? 0) > 0;
}
