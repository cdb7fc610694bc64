import { createPool, type Pool, type PoolClient } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

// Schema guarantees that hold whatever the application code does.
describe('schema', () => {
  let db: TestDatabase;
  let pool: Pool;
  let client: PoolClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, log: createLogger({ service: 'test', level: 'silent' }), max: 1 });
    client = await pool.connect();
  });

  afterAll(async () => {
    client.release();
    await pool.end();
    await db.drop();
  });

  async function asApp<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL ROLE softswitch_app');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
      const r = await fn();
      await client.query('COMMIT');
      return r;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }

  async function tenant(name: string): Promise<string> {
    const r = await client.query<{ id: string }>(
      `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm) VALUES ($1, 'GB', '44', 'GBP', $2) RETURNING id`,
      [name, `${name}.sip.test`],
    );
    return r.rows[0]!.id;
  }

  it('the audit log refuses UPDATE and DELETE from the app role (and TRUNCATE from everyone)', async () => {
    await asApp('*', () =>
      client.query(`INSERT INTO audit_log (actor_kind, actor_id, action, target_kind) VALUES ('system', 'test', 'tenant.create', 'tenant')`),
    );
    await expect(asApp('*', () => client.query(`UPDATE audit_log SET actor_id = 'x'`))).rejects.toThrow(/permission denied/);
    await expect(asApp('*', () => client.query(`DELETE FROM audit_log`))).rejects.toThrow(/permission denied/);
    await expect(client.query(`UPDATE audit_log SET actor_id = 'x'`)).rejects.toThrow(/append-only/);
    await expect(client.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const count = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(count.rows[0]!.n).toBe(1);
  });

  it('row-level security hides other tenants from the app role', async () => {
    const a = await tenant('rls-a');
    const b = await tenant('rls-b');
    const seen = await asApp(a, async () => (await client.query<{ id: string }>('SELECT id FROM tenants')).rows.map((r) => r.id));
    expect(seen).toEqual([a]);
    await expect(
      asApp(a, () =>
        client.query(
          `INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256) VALUES ($1, 'u1', 'x', repeat('a', 32), repeat('b', 64))`,
          [b],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const none = await asApp('', async () => (await client.query('SELECT id FROM tenants')).rowCount);
    expect(none).toBe(0);
    const all = await asApp('*', async () => (await client.query('SELECT id FROM tenants WHERE id = ANY($1)', [[a, b]])).rowCount);
    expect(all).toBe(2);
  });

  it('ledger transactions must balance, are append-only, and maintain the tenant balance', async () => {
    const t = await tenant('ledger-a');
    await asApp(t, async () => {
      const tx = await client.query<{ id: string }>(
        `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, occurred_at) VALUES ('k1', 'topup', $1, '2026-01-01T00:00:00Z') RETURNING id`,
        [t],
      );
      const id = tx.rows[0]!.id;
      await client.query(`INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('tenant_cash', $2, 'GBP'), 500, 'GBP')`, [id, t]);
      await client.query(`INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('topups_clearing', NULL, 'GBP'), -500, 'GBP')`, [id]);
    });
    const bal = await client.query<{ balance_minor: number }>('SELECT balance_minor FROM tenant_balances WHERE tenant_id = $1', [t]);
    expect(bal.rows[0]!.balance_minor).toBe(500);
    await expect(
      asApp(t, async () => {
        const tx = await client.query<{ id: string }>(
          `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, occurred_at) VALUES ('k2', 'topup', $1, '2026-01-01T00:00:00Z') RETURNING id`,
          [t],
        );
        await client.query(`INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account('tenant_cash', $2, 'GBP'), 700, 'GBP')`, [tx.rows[0]!.id, t]);
      }),
    ).rejects.toThrow(/does not balance/);
    await expect(client.query(`UPDATE ledger_entries SET amount_minor = 1`)).rejects.toThrow(/append-only/);
    await expect(asApp(t, () => client.query(`DELETE FROM ledger_transactions`))).rejects.toThrow(/permission denied/);
    const again = await client.query<{ balance_minor: number }>('SELECT balance_minor FROM tenant_balances WHERE tenant_id = $1', [t]);
    expect(again.rows[0]!.balance_minor).toBe(500);
  });

  it('creates monthly CDR partitions on demand and routes rows into them', async () => {
    const created = await client.query<{ n: number }>(`SELECT ensure_cdr_partitions('2031-01-15', 2) AS n`);
    expect(created.rows[0]!.n).toBe(2);
    const again = await client.query<{ n: number }>(`SELECT ensure_cdr_partitions('2031-01-01', 2) AS n`);
    expect(again.rows[0]!.n).toBe(0);
    await client.query(
      `INSERT INTO cdrs (call_id, direction, disposition, started_at, price_minor, cost_minor) VALUES ('c1', 'outbound', 'answered', '2031-02-28T23:59:59Z', 30, 12)`,
    );
    const row = await client.query<{ part: string; margin_minor: number }>(`SELECT tableoid::regclass::text AS part, margin_minor FROM cdrs WHERE call_id = 'c1'`);
    expect(row.rows[0]).toEqual({ part: 'cdrs_203102', margin_minor: 18 });
    await expect(
      client.query(`INSERT INTO cdrs (call_id, direction, disposition, started_at) VALUES ('c2', 'outbound', 'answered', '2040-01-01T00:00:00Z')`),
    ).rejects.toThrow(/no partition/);
    const dropped = await client.query<{ n: number }>(`SELECT drop_cdr_partitions_before('2031-02-01') AS n`);
    expect(dropped.rows[0]!.n).toBeGreaterThanOrEqual(1);
    expect((await client.query(`SELECT to_regclass('cdrs_203101') AS r`)).rows[0]).toEqual({ r: null });
  });
});
