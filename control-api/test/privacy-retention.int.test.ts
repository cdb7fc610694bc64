/* eslint-disable @typescript-eslint/no-unsafe-member-access -- query rows are untyped; the assertions check their shape. */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool, type PoolClient } from '#lib/db/index.js';
import { applySmsRetention, dropExpiredCdrPartitions, expireWorkspaces, purgeExpiredBilling } from '#lib/retention/index.js';
import { createLogger } from '#lib/log/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

// Retention primitives (sql/migrations/0021_retention_functions.sql), called with explicit times:
// each window is checked one second before and one second after its edge.
describe('retention functions', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, log: createLogger({ service: 'test', level: 'silent' }), max: 2 });
    // Partitions for the dates below, whatever month the template was migrated in.
    await pool.query(`SELECT ensure_cdr_partitions('2025-11-01', 8)`);
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const at = (iso: string) => new Date(iso);
  const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);

  /** Calls a retention function through lib/retention as the application role (what the jobs will do). */
  async function asApp<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE softswitch_app');
      await c.query(`SELECT set_config('app.tenant_id', '*', true)`);
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
  }

  async function tenant(extra: { closedAt?: Date; expiresAt?: Date } = {}): Promise<string> {
    const r = await pool.query<{ id: string }>(
      `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm, status, closed_at, expires_at)
       VALUES ('T', 'GB', '44', 'GBP', $1, $2, $3, $4) RETURNING id`,
      [`r${randomUUID().slice(0, 8)}.test`, extra.closedAt ? 'closed' : 'active', extra.closedAt ?? null, extra.expiresAt ?? null],
    );
    return r.rows[0]!.id;
  }

  async function topup(tenantId: string, amountMinor: number, occurredAt: Date): Promise<string> {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const tx = await c.query<{ id: string }>(
        `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, occurred_at) VALUES ($1, 'topup', $2, $3) RETURNING id`,
        [`topup:${randomUUID()}`, tenantId, occurredAt],
      );
      const id = tx.rows[0]!.id;
      await c.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency)
         VALUES ($1, ledger_account('tenant_cash', $2, 'GBP'), $3, 'GBP'), ($1, ledger_account('topups_clearing', NULL, 'GBP'), -$3::bigint, 'GBP')`,
        [id, tenantId, amountMinor],
      );
      await c.query('COMMIT');
      return id;
    } finally {
      c.release();
    }
  }

  async function bundle(tenantId: string, creditedAt: Date, txId: string | null): Promise<void> {
    await pool.query(
      `INSERT INTO minute_bundles (tenant_id, prefixes, seconds_granted, seconds_remaining, credited_at, expires_at, ledger_transaction_id)
       VALUES ($1, '{44}', 600, 500, $2, $2::timestamptz + interval '1 year', $3)`,
      [tenantId, creditedAt, txId],
    );
  }

  async function cdr(tenantId: string, startedAt: Date): Promise<void> {
    await pool.query(
      `INSERT INTO cdrs (call_id, tenant_id, direction, calling_number, called_number, disposition, started_at, billable_sec, price_minor, currency)
       VALUES ($1, $2, 'outbound', '+442071234567', '+33123456789', 'answered', $3, 60, 12, 'GBP')`,
      [randomUUID(), tenantId, startedAt],
    );
  }

  const count = async (sql: string, params: unknown[]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n);

  it('CDRs: a monthly partition is dropped when its whole range is 6 months old, not one second earlier', async () => {
    const t = await tenant();
    await cdr(t, at('2025-12-31T23:59:59Z'));
    await cdr(t, at('2026-01-01T00:00:00Z'));
    // December 2025 ends 2026-01-01T00:00:00Z; it may go at 2026-07-01T00:00:00Z.
    const edge = at('2026-07-01T00:00:00Z');
    const before = await asApp((c) => dropExpiredCdrPartitions(c, plus(edge, -1000).getTime()));
    expect(before.rowsDropped).toBe(0);
    expect((await pool.query(`SELECT to_regclass('cdrs_202512') AS r`)).rows[0].r).not.toBeNull();
    expect(await count('SELECT count(*) AS n FROM cdrs WHERE tenant_id = $1', [t])).toBe(2);

    const after = await asApp((c) => dropExpiredCdrPartitions(c, plus(edge, 1000).getTime()));
    expect(after).toMatchObject({ partitionsDropped: 1, rowsDropped: 1 });
    expect((await pool.query(`SELECT to_regclass('cdrs_202512') AS r`)).rows[0].r).toBeNull();
    expect((await pool.query(`SELECT to_regclass('cdrs_202601') AS r`)).rows[0].r).not.toBeNull();
    expect(await count('SELECT count(*) AS n FROM cdrs WHERE tenant_id = $1', [t])).toBe(1);

    // Idempotent, and the run is recorded with counts only.
    expect(await asApp((c) => dropExpiredCdrPartitions(c, plus(edge, 1000).getTime()))).toMatchObject({ partitionsDropped: 0, rowsDropped: 0 });
    const runs = await pool.query<{ counts: Record<string, unknown> }>(`SELECT counts FROM retention_runs WHERE rule = 'cdr_partitions' AND ran_at = $1 ORDER BY id`, [plus(edge, 1000)]);
    expect(runs.rows.map((r) => r.counts)).toEqual([
      { partitionsDropped: 1, rowsDropped: 1, cutoff: '2026-01-01' },
      { partitionsDropped: 0, rowsDropped: 0, cutoff: '2026-01-01' },
    ]);
  });

  it('billing data: purged 12 months after the account closed, not one second earlier; other tenants untouched', async () => {
    const closedAt = at('2025-03-10T10:00:00Z');
    const a = await tenant({ closedAt });
    const b = await tenant({ closedAt: plus(closedAt, 86_400_000) });
    const live = await tenant();
    for (const t of [a, b, live]) {
      const tx = await topup(t, 5_000, at('2025-02-01T00:00:00Z'));
      await bundle(t, at('2025-02-01T00:00:00Z'), tx);
      await cdr(t, at('2026-01-10T00:00:00Z'));
    }
    const edge = at('2026-03-10T10:00:00Z');
    const before = await asApp((c) => purgeExpiredBilling(c, plus(edge, -1000).getTime()));
    expect(before.tenantsPurged).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ledger_transactions WHERE tenant_id = $1', [a])).toBe(1);

    const after = await asApp((c) => purgeExpiredBilling(c, plus(edge, 1000).getTime()));
    expect(after).toMatchObject({ tenantsPurged: 1, transactionsDeleted: 1, entriesDeleted: 2, bundlesDeleted: 1, cdrsDeleted: 1 });
    expect(await count('SELECT count(*) AS n FROM ledger_transactions WHERE tenant_id = $1', [a])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = $1', [a])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ledger_accounts WHERE tenant_id = $1', [a])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM minute_bundles WHERE tenant_id = $1', [a])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM cdrs WHERE tenant_id = $1', [a])).toBe(0);
    // The workspace row stays, marked; the other tenants keep everything.
    expect((await pool.query(`SELECT billing_purged_at FROM tenants WHERE id = $1`, [a])).rows[0].billing_purged_at).toEqual(plus(edge, 1000));
    for (const t of [b, live]) {
      expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = $1', [t])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM minute_bundles WHERE tenant_id = $1', [t])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM cdrs WHERE tenant_id = $1', [t])).toBe(1);
    }
    const run = await pool.query(`SELECT counts FROM retention_runs WHERE rule = 'billing_purge' AND tenant_id = $1`, [a]);
    expect(run.rows).toEqual([{ counts: { transactions: 1, entries: 2, bundles: 1, cdrs: 1 } }]);
    expect((await asApp((c) => purgeExpiredBilling(c, plus(edge, 1000).getTime()))).tenantsPurged).toBe(0);
  });

  it('billing purge honours an erasure\'s legal_hold_until', async () => {
    const closedAt = at('2025-02-01T00:00:00Z');
    const holdUntil = at('2026-05-01T00:00:00Z');
    const t = await tenant({ closedAt });
    await pool.query(`UPDATE tenants SET erased_at = $2, legal_hold_until = $3 WHERE id = $1`, [t, closedAt, holdUntil]);
    await topup(t, 100, at('2025-04-01T00:00:00Z'));
    // closed_at + 12 months has passed long before: the hold date decides (other tests' tenants may be purged too).
    await asApp((c) => purgeExpiredBilling(c, plus(holdUntil, -1000).getTime()));
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = $1', [t])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM tenants WHERE id = $1 AND billing_purged_at IS NULL', [t])).toBe(1);
    await asApp((c) => purgeExpiredBilling(c, plus(holdUntil, 1000).getTime()));
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = $1', [t])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM tenants WHERE id = $1 AND billing_purged_at = $2', [t, plus(holdUntil, 1000)])).toBe(1);
  });

  it('the ledger stays append-only outside the purge, for the owner and the app role', async () => {
    const t = await tenant();
    await topup(t, 100, at('2026-01-01T00:00:00Z'));
    await expect(pool.query(`DELETE FROM ledger_entries WHERE tenant_id = $1`, [t])).rejects.toThrow(/append-only/);
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL ROLE softswitch_app');
      await c.query(`SELECT set_config('app.tenant_id', '*', true), set_config('app.retention_purge', 'on', true)`);
      await expect(c.query(`DELETE FROM ledger_transactions WHERE tenant_id = $1`, [t])).rejects.toThrow(/permission denied/);
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    expect(await count('SELECT count(*) AS n FROM ledger_entries WHERE tenant_id = $1', [t])).toBe(1);
  });

  it('SMS (0033): the application role runs the rule; bodies go at 30 days, rows at 6 months, each edge to the second', async () => {
    const t = await tenant();
    const occurred = at('2026-02-10T08:00:00Z');
    const id = (
      await pool.query<{ id: string }>(
        `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, from_number, to_number, body, status, sip_status, occurred_at)
         VALUES ($1, 'inbound', $2, 1, '+33612345678', '+442079990101', 'hello', 'stored', 202, $3) RETURNING id`,
        [t, randomUUID(), occurred],
      )
    ).rows[0]!.id;
    const row = async () => (await pool.query<{ body: string }>('SELECT body FROM sms_messages WHERE id = $1', [id])).rows[0];
    await asApp((c) => applySmsRetention(c, plus(occurred, 30 * 86_400_000 - 1000).getTime()));
    expect(await row()).toEqual({ body: 'hello' });
    expect((await asApp((c) => applySmsRetention(c, plus(occurred, 30 * 86_400_000 + 1000).getTime()))).bodiesCleared).toBeGreaterThanOrEqual(1);
    expect(await row()).toEqual({ body: '' });
    const edge = at('2026-08-10T08:00:00Z');
    await asApp((c) => applySmsRetention(c, plus(edge, -1000).getTime()));
    expect(await row()).toBeDefined();
    await asApp((c) => applySmsRetention(c, plus(edge, 1000).getTime()));
    expect(await row()).toBeUndefined();
    await expect(pool.query('SELECT * FROM retention_sms(NULL)')).rejects.toThrow(/p_now is required/);
  });

  it('workspace expiry: on its expiry time (not one second before) numbers, SIP users, keys, credit, bundles and CDRs go; the row stays', async () => {
    const expiresAt = at('2026-04-01T00:00:00Z');
    const x = await tenant({ expiresAt });
    const y = await tenant({ expiresAt: plus(expiresAt, 86_400_000) });
    for (const t of [x, y]) {
      const sip = await pool.query<{ id: string }>(
        `INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256) SELECT $1, 'alice', sip_realm, repeat('a', 32), repeat('b', 64) FROM tenants WHERE id = $1 RETURNING id`,
        [t],
      );
      await pool.query(`INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes) VALUES ($1, 'k', $2, decode(repeat('00', 32), 'hex'), '{read}')`, [t, `sk_${randomUUID().replace(/-/g, '').slice(0, 16)}`]);
      const num = await pool.query<{ id: string }>(
        `INSERT INTO numbers (e164, country, number_type, monthly_price_minor, currency, status) VALUES ($1, 'GB', 'local', 100, 'GBP', 'active') RETURNING id`,
        [`+4420${randomInt(10_000_000, 99_999_999)}`],
      );
      await pool.query(
        `INSERT INTO number_subscriptions (tenant_id, number_id, period, status, started_at, expires_at, routing_kind, routing_sip_user_ids)
         VALUES ($1, $2, 'month', 'active', '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', 'sip_users', ARRAY[$3::uuid])`,
        [t, num.rows[0]!.id, sip.rows[0]!.id],
      );
      const tx = await topup(t, 5_000, at('2026-03-01T00:00:00Z'));
      await bundle(t, at('2026-03-01T00:00:00Z'), tx);
      await cdr(t, at('2026-03-20T00:00:00Z'));
    }

    const before = await asApp((c) => expireWorkspaces(c, plus(expiresAt, -1000).getTime(), 30));
    expect(before.workspacesExpired).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sip_users WHERE tenant_id = $1', [x])).toBe(1);

    const now = plus(expiresAt, 1000);
    const after = await asApp((c) => expireWorkspaces(c, now.getTime(), 30));
    expect(after).toMatchObject({
      workspacesExpired: 1, numbersQuarantined: 1, subscriptionsEnded: 1, sipUsersDeleted: 1, apiKeysDeleted: 1,
      creditRemovedMinor: 5_000, bundlesEmptied: 1, cdrsDeleted: 1,
    });
    const sub = await pool.query(
      `SELECT s.status, s.ended_at, s.routing_kind, n.status AS number_status, n.quarantine_until FROM number_subscriptions s JOIN numbers n ON n.id = s.number_id WHERE s.tenant_id = $1`,
      [x],
    );
    expect(sub.rows).toEqual([{ status: 'expired', ended_at: now, routing_kind: null, number_status: 'quarantine', quarantine_until: plus(now, 30 * 86_400_000) }]);
    expect(await count('SELECT count(*) AS n FROM sip_users WHERE tenant_id = $1', [x])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM api_keys WHERE tenant_id = $1', [x])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM cdrs WHERE tenant_id = $1', [x])).toBe(0);
    expect(await count(`SELECT balance_minor AS n FROM tenant_balances WHERE tenant_id = $1`, [x])).toBe(0);
    expect(await count(`SELECT sum(seconds_remaining) AS n FROM minute_bundles WHERE tenant_id = $1`, [x])).toBe(0);
    const adj = await pool.query(`SELECT kind, occurred_at FROM ledger_transactions WHERE tenant_id = $1 AND kind = 'adjustment'`, [x]);
    expect(adj.rows).toEqual([{ kind: 'adjustment', occurred_at: now }]);
    expect(await count('SELECT count(*) AS n FROM tenants WHERE id = $1 AND expiry_processed_at = $2', [x, now])).toBe(1);
    // The other workspace (expiring a day later) is untouched.
    expect(await count('SELECT count(*) AS n FROM sip_users WHERE tenant_id = $1', [y])).toBe(1);
    expect(await count(`SELECT balance_minor AS n FROM tenant_balances WHERE tenant_id = $1`, [y])).toBe(5_000);
    expect(await count('SELECT count(*) AS n FROM cdrs WHERE tenant_id = $1', [y])).toBe(1);
    // Idempotent.
    expect((await asApp((c) => expireWorkspaces(c, now.getTime(), 30))).workspacesExpired).toBe(0);
  });
});
