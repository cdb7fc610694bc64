import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool, type PoolClient } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { seedDeck, seedTenant } from './support.js';

const log = createLogger({ service: 'rater-rls-test', level: 'silent' });
let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, log });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Runs `work` as the application role with the given tenant scope, in a transaction rolled back afterwards. */
async function asApp<T>(scope: string, work: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL ROLE softswitch_app');
    await c.query("SELECT set_config('app.tenant_id', $1, true)", [scope]);
    return await work(c);
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

describe("row-level security on the rater's tables (0102)", () => {
  it('shows and accepts outbox events and low-balance states of the scoped tenant only; "*" sees all', async () => {
    const plan = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 1 }]);
    const a = await seedTenant(pool, plan);
    const b = await seedTenant(pool, plan);
    for (const t of [a, b]) {
      await pool.query("INSERT INTO outbox_events (kind, tenant_id, dedupe_key, occurred_at) VALUES ('low_balance', $1, $2, now())", [t, `rls-${t}`]);
      await pool.query('INSERT INTO low_balance_states (tenant_id, below, changed_at) VALUES ($1, true, now())', [t]);
    }
    await pool.query("INSERT INTO outbox_events (kind, tenant_id, dedupe_key, occurred_at) VALUES ('bundle_expired', NULL, 'rls-platform', now())");
    const seen = (c: PoolClient, table: string) => c.query<{ tenant_id: string | null }>(`SELECT tenant_id FROM ${table} WHERE tenant_id IS NULL OR tenant_id IN ($1, $2)`, [a, b]).then((r) => r.rows.map((x) => x.tenant_id));

    expect(await asApp(a, (c) => seen(c, 'outbox_events'))).toEqual([a]);
    expect(await asApp(a, (c) => seen(c, 'low_balance_states'))).toEqual([a]);
    expect((await asApp('*', (c) => seen(c, 'outbox_events'))).sort()).toEqual([a, b, null].sort());
    expect(await asApp('*', (c) => seen(c, 'low_balance_states'))).toHaveLength(2);
    await expect(asApp(a, (c) => c.query("INSERT INTO outbox_events (kind, tenant_id, dedupe_key, occurred_at) VALUES ('low_balance', $1, 'rls-cross', now())", [b]))).rejects.toThrow(/row-level security/);
    await expect(asApp(a, (c) => c.query('UPDATE low_balance_states SET below = false WHERE tenant_id = $1 RETURNING tenant_id', [b]).then((r) => r.rowCount))).resolves.toBe(0);
    await expect(asApp('', (c) => seen(c, 'outbox_events'))).resolves.toEqual([]);
  });
});
