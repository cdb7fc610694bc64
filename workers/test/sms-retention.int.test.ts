// SMS under the retention rules (sql/migrations/0033_sms_retention.sql, docs/privacy.md "SMS"), run
// through the workers' job with a simulated clock: bodies cleared 30 days after the message, rows
// deleted 6 months after it, an expired workspace's SMS gone on its expiry time; both edges of each
// window, idempotent runs, counts (never content) in the log, the counter and retention_runs.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { LocalDiskStorage } from '#media/index.js';
import { createRetentionMetrics, runRetentionJob, type RetentionDeps } from '#workers/retention/retention-jobs.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

const DAY = 86_400_000;
/** Each test has its own stretch of time, so none sees another's rows at its edges. */
const T0 = Date.UTC(2026, 3, 15, 10);
/** Mid-month, so "6 calendar months later" is the same day and time. */
const T1 = Date.UTC(2028, 0, 15, 10);
const T1_SIX_MONTHS_LATER = Date.UTC(2028, 6, 15, 10);
const T2 = Date.UTC(2030, 0, 1);

describe('SMS retention', () => {
  let db: TestDatabase;
  let pool: Pool;
  let registry: Registry;
  let deps: RetentionDeps;
  const logLines: string[] = [];
  const clock = new SimulatedClock(T0);

  beforeAll(async () => {
    db = await createTestDatabase();
    const log = createLogger({
      service: 'sms-retention-test',
      level: 'info',
      destination: new Writable({ write: (chunk: Buffer, _enc, done) => { logLines.push(chunk.toString('utf8')); done(); } }),
    });
    pool = createPool({ url: db.url, log });
    registry = new Registry();
    const storage = new LocalDiskStorage(mkdtempSync(join(tmpdir(), 'sms-retention-store-')));
    deps = { pool, storage, clock, log, quarantineMs: 30 * DAY, techLogDir: undefined, deleted: createRetentionMetrics(registry) };
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const tenant = async (expiresAt: Date | null = null) =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm, expires_at) VALUES ('t', 'GB', '44', 'GBP', $1, $2) RETURNING id`,
        [`s${randomUUID().slice(0, 8)}.example.test`, expiresAt],
      )
    ).rows[0]!.id;
  const sms = async (tenantId: string, occurredAtMs: number, status: 'sent' | 'delivered' | 'stored' | 'failed' | 'rejected', sipUserId: string | null = null) =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, sip_user_id, from_number, to_number, body, status, sip_status, price_minor, currency, occurred_at)
         VALUES ($1, $2, $3, 1, $4, '+442079990101', '+33612345678', $5, $6, $7, 5, 'GBP', $8) RETURNING id`,
        [tenantId, status === 'stored' ? 'inbound' : 'outbound', randomUUID(), sipUserId, `private body ${status}`, status, status === 'stored' ? 202 : 200, new Date(occurredAtMs)],
      )
    ).rows[0]!.id;
  const rowOf = async (id: string) => (await pool.query<{ body: string; to_number: string; price_minor: number }>('SELECT body, to_number, price_minor FROM sms_messages WHERE id = $1', [id])).rows[0];
  /** jobs_retention_deleted_total{rule} now. */
  const deleted = async (rule: string) => (await registry.getMetricsAsJSON()).flatMap((m) => m.values).find((v) => v.labels['rule'] === rule)?.value ?? 0;

  it('clears a body 30 days after its message, whatever the status (stored ones included), and not one millisecond before; the row stays', async () => {
    const t = await tenant();
    const due = [await sms(t, T0, 'sent'), await sms(t, T0, 'delivered'), await sms(t, T0, 'stored'), await sms(t, T0, 'failed'), await sms(t, T0, 'rejected')];
    const younger = await sms(t, T0 + 1, 'sent');
    const counted = await deleted('sms_bodies');
    clock.setNow(T0 + 30 * DAY - 1);
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 0, smsDeleted: 0 });
    expect((await rowOf(due[0]!))?.body).toBe('private body sent');

    clock.setNow(T0 + 30 * DAY);
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 5, smsDeleted: 0 });
    for (const id of due) expect(await rowOf(id)).toEqual({ body: '', to_number: '+33612345678', price_minor: 5 });
    expect((await rowOf(younger))?.body).toBe('private body sent');
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 0, smsDeleted: 0 }); // idempotent

    clock.setNow(T0 + 30 * DAY + 1);
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 1, smsDeleted: 0 });
    expect(await deleted('sms_bodies')).toBe(counted + 6);
    // Counts only: no body or number in the log lines or the run records.
    const runs = await pool.query<{ counts: Record<string, unknown> }>(
      `SELECT counts FROM retention_runs WHERE rule = 'sms_retention' AND ran_at BETWEEN $1 AND $2 ORDER BY id`,
      [new Date(T0 + 30 * DAY - 1), new Date(T0 + 30 * DAY + 1)],
    );
    expect(runs.rows.map((r) => [r.counts['bodiesCleared'], r.counts['rowsDeleted']])).toEqual([[0, 0], [5, 0], [0, 0], [1, 0]]);
    const logged = logLines.join('') + JSON.stringify(runs.rows);
    expect(logged).toContain('"job":"sms"');
    expect(logged).not.toContain('private body');
    expect(logged).not.toContain('612345678');
  });

  it('deletes a row 6 calendar months after its message, not one millisecond before; younger rows stay', async () => {
    const t = await tenant();
    const old = await sms(t, T1, 'sent');
    const younger = await sms(t, T1 + 1, 'delivered');
    // This run also takes whatever older rows other tests left; from here on only ours are at the edge.
    clock.setNow(T1_SIX_MONTHS_LATER - 1);
    expect(await runRetentionJob('sms', deps)).toMatchObject({ smsBodiesCleared: 2 });
    expect(await rowOf(old)).toEqual({ body: '', to_number: '+33612345678', price_minor: 5 });
    const counted = await deleted('sms');

    clock.setNow(T1_SIX_MONTHS_LATER);
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 0, smsDeleted: 1 });
    expect(await rowOf(old)).toBeUndefined();
    expect(await rowOf(younger)).toEqual({ body: '', to_number: '+33612345678', price_minor: 5 });
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 0, smsDeleted: 0 }); // idempotent
    clock.setNow(T1_SIX_MONTHS_LATER + 1);
    expect(await runRetentionJob('sms', deps)).toEqual({ smsBodiesCleared: 0, smsDeleted: 1 });
    expect(await rowOf(younger)).toBeUndefined();
    expect(await deleted('sms')).toBe(counted + 2);
  });

  it('an expired workspace loses its SMS on its expiry time, not one millisecond before, SIP users and all; other workspaces keep theirs', async () => {
    const expiresAt = T2;
    const expiring = await tenant(new Date(expiresAt));
    const other = await tenant();
    const sipUser = (
      await pool.query<{ id: string }>(
        `INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256) SELECT $1, 'alice', sip_realm, repeat('a', 32), repeat('b', 64) FROM tenants WHERE id = $1 RETURNING id`,
        [expiring],
      )
    ).rows[0]!.id;
    const gone = await sms(expiring, expiresAt - DAY, 'sent', sipUser);
    const kept = await sms(other, expiresAt - DAY, 'sent');
    const counted = await deleted('sms');
    clock.setNow(expiresAt - 1);
    expect(await runRetentionJob('workspace-expiry', deps)).toMatchObject({ workspacesExpired: 0, smsDeleted: 0 });
    expect(await rowOf(gone)).toBeDefined();

    clock.setNow(expiresAt);
    expect(await runRetentionJob('workspace-expiry', deps)).toMatchObject({ workspacesExpired: 1, sipUsersDeleted: 1, smsDeleted: 1 });
    expect(await rowOf(gone)).toBeUndefined();
    expect(await rowOf(kept)).toBeDefined();
    expect(await runRetentionJob('workspace-expiry', deps)).toMatchObject({ workspacesExpired: 0, smsDeleted: 0 }); // idempotent
    const run = await pool.query(`SELECT counts FROM retention_runs WHERE rule = 'sms_workspace_expiry' AND tenant_id = $1`, [expiring]);
    expect(run.rows).toEqual([{ counts: { smsDeleted: 1 } }]);
    expect(await deleted('sms')).toBe(counted + 1);
  });
});
