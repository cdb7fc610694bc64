// Helpers for the rater's integration tests: seed a tenant, a price plan, a carrier cost deck and a
// top-up straight into the control-plane schema (as the control API would), and build a config.
import { randomUUID } from 'node:crypto';
import type { Pool } from '#lib/db/index.js';
import { raterConfigSchema, type RaterConfig } from '#billing-rater/config.js';
import { loadConfig } from '#lib/config/index.js';

/** The first row of a result, or an error naming what was expected. */
function firstRow<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`no row returned for ${what}`);
  return row;
}

export type SeedRow = { prefix: string; rateMicrosPerMin: number; connectFeeMicros?: number; initial?: number; subsequent?: number; fromMs?: number; toMs?: number | null };

export async function seedDeck(pool: Pool, kind: 'price' | 'cost', rows: readonly SeedRow[], carrierId: string | null = null): Promise<string> {
  const deck = await pool.query<{ id: string }>('INSERT INTO rate_decks (kind, name, currency, carrier_id) VALUES ($1, $2, $3, $4) RETURNING id', [kind, `${kind}-${randomUUID()}`, 'EUR', carrierId]);
  const deckId = firstRow(deck.rows, 'deck').id;
  const version = await pool.query<{ id: string }>('INSERT INTO rate_deck_versions (deck_id, row_count) VALUES ($1, $2) RETURNING id', [deckId, rows.length]);
  const versionId = firstRow(version.rows, 'version').id;
  for (const r of rows) {
    await pool.query(
      `INSERT INTO rate_deck_rows (version_id, prefix, rate_micros_per_min, connect_fee_micros, initial_increment_sec, subsequent_increment_sec, effective_from, effective_to, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'EUR')`,
      [versionId, r.prefix, r.rateMicrosPerMin, r.connectFeeMicros ?? 0, r.initial ?? 60, r.subsequent ?? 60, new Date(r.fromMs ?? 0), r.toMs == null ? null : new Date(r.toMs)],
    );
  }
  await pool.query('UPDATE rate_decks SET current_version_id = $1 WHERE id = $2', [versionId, deckId]);
  return deckId;
}

export async function seedCarrier(pool: Pool): Promise<{ carrierId: string; gatewayId: string }> {
  const c = await pool.query<{ id: string }>('INSERT INTO carriers (name) VALUES ($1) RETURNING id', [`carrier-${randomUUID()}`]);
  const carrierId = firstRow(c.rows, 'c').id;
  const g = await pool.query<{ id: string }>("INSERT INTO gateways (carrier_id, name, address) VALUES ($1, 'gw', '127.0.0.1') RETURNING id", [carrierId]);
  return { carrierId, gatewayId: firstRow(g.rows, 'g').id };
}

export async function seedTenant(pool: Pool, planId: string, over: { maxConcurrentCalls?: number; status?: string } = {}): Promise<string> {
  const realm = `t${randomUUID().slice(0, 8)}.example.test`;
  const t = await pool.query<{ id: string }>(
    `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm, max_concurrent_calls, price_plan_id, status)
     VALUES ('tenant', 'DE', '49', 'EUR', $1, $2, $3, $4) RETURNING id`,
    [realm, over.maxConcurrentCalls ?? 5_000, planId, over.status ?? 'active'],
  );
  return firstRow(t.rows, 't').id;
}

/** A top-up as the control plane writes it: tenant_cash +amount, topups_clearing −amount. */
export async function topUp(pool: Pool, tenantId: string, amountMinor: number, atMs: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const tx = await client.query<{ id: string }>(
      "INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, occurred_at) VALUES ($1, 'topup', $2, $3) RETURNING id",
      [`topup:${tenantId}:${randomUUID()}`, tenantId, new Date(atMs)],
    );
    const txId = firstRow(tx.rows, 'tx').id;
    await client.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES
         ($1, ledger_account('tenant_cash', $2::uuid, 'EUR'), $3, 'EUR'),
         ($1, ledger_account('topups_clearing', NULL, 'EUR'), $4, 'EUR')`,
      [txId, tenantId, amountMinor, -amountMinor],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function tenantBalance(pool: Pool, tenantId: string): Promise<number> {
  const r = await pool.query<{ balance_minor: number }>('SELECT balance_minor FROM tenant_balances WHERE tenant_id = $1', [tenantId]);
  return firstRow(r.rows, 'r').balance_minor;
}

export function raterTestConfig(pgUrl: string, redisUrl: string, over: Record<string, string> = {}): RaterConfig {
  return loadConfig(raterConfigSchema, {
    env: {
      PG_URL: pgUrl,
      REDIS_URL: redisUrl,
      RATER_HTTP_PORT: '0',
      RATER_API_PORT: '0',
      RATER_REDIS_PREFIX: `test:${randomUUID()}:`,
      LOG_LEVEL: 'warn',
      ...over,
    },
    files: [],
  });
}
