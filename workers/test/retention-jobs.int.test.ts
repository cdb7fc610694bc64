// The recordings retention rules (client and diagnostic) and the technical-logs rule at both edges of
// their windows, the workspace-expiry job taking the recordings' audio with it, and the rules running
// through BullMQ.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { LocalDiskStorage } from '#media/index.js';
import { createRetentionMetrics, runRetentionJob, startRetentionJobs, type RetentionDeps } from '#workers/retention/retention-jobs.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 3, 1, 12);
const log = createLogger({ service: 'retention-test', level: 'silent' });

describe('retention jobs', () => {
  let db: TestDatabase;
  let pool: Pool;
  let storage: LocalDiskStorage;
  let registry: Registry;
  let deps: RetentionDeps;
  let techLogDir: string;
  const clock = new SimulatedClock(T0);

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, log });
    storage = new LocalDiskStorage(mkdtempSync(join(tmpdir(), 'retention-store-')));
    registry = new Registry();
    techLogDir = mkdtempSync(join(tmpdir(), 'retention-logs-'));
    deps = { pool, storage, clock, log, quarantineMs: 30 * DAY, techLogDir, deleted: createRetentionMetrics(registry) };
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const tenant = async (expiresAt: Date | null = null) =>
    (
      await pool.query<{ id: string }>(
        `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm, expires_at) VALUES ('t', 'GB', '44', 'GBP', $1, $2) RETURNING id`,
        [`r${randomUUID().slice(0, 8)}.example.test`, expiresAt],
      )
    ).rows[0]!.id;
  const recording = async (tenantId: string, startedAt: number, expiresAt: number, kind: 'client' | 'diagnostic' = 'client') => {
    const key = `${tenantId}/${randomUUID()}.wav`;
    await storage.put(key, Buffer.from('audio'));
    await pool.query(
      `INSERT INTO recordings (tenant_id, call_id, kind, started_at, duration_ms, storage_key, bytes, expires_at) VALUES ($1, $2, $3, $4, 1000, $5, 5, $6)`,
      [tenantId, randomUUID(), kind, new Date(startedAt), key, new Date(expiresAt)],
    );
    return key;
  };

  it('deletes a recording at its expiry and not one millisecond before, audio first', async () => {
    const t = await tenant();
    const due = T0 + 30 * DAY;
    const a = await recording(t, T0, due);
    const b = await recording(t, T0 + 1_000, due + 1_000);
    clock.setNow(due - 1);
    expect(await runRetentionJob('recordings', deps)).toEqual({ recordingsDeleted: 0, diagnosticRecordingsDeleted: 0 });
    expect(await storage.size(a)).toBe(5);
    clock.setNow(due);
    expect(await runRetentionJob('recordings', deps)).toEqual({ recordingsDeleted: 1, diagnosticRecordingsDeleted: 0 });
    expect(await storage.size(a)).toBeUndefined();
    expect(await storage.size(b)).toBe(5);
    expect(await runRetentionJob('recordings', deps)).toEqual({ recordingsDeleted: 0, diagnosticRecordingsDeleted: 0 }); // idempotent
    expect(await registry.getSingleMetricAsString('jobs_retention_deleted_total')).toContain('rule="recordings"} 1');
  });

  it('deletes a diagnostic recording when its troubleshooting window closes, not one millisecond before, whatever the client retention', async () => {
    const t = await tenant();
    await pool.query('UPDATE tenants SET recording_enabled = false, recording_retention_days = 30 WHERE id = $1', [t]);
    const start = T0 + 100 * DAY;
    const windowEnd = start + 7 * DAY;
    const diag = await recording(t, start + DAY, windowEnd, 'diagnostic');
    const client = await recording(t, start + DAY, start + 31 * DAY);
    clock.setNow(windowEnd - 1);
    expect(await runRetentionJob('recordings', deps)).toMatchObject({ diagnosticRecordingsDeleted: 0 });
    expect(await storage.size(diag)).toBe(5);
    clock.setNow(windowEnd);
    expect(await runRetentionJob('recordings', deps)).toEqual({ recordingsDeleted: 0, diagnosticRecordingsDeleted: 1 });
    expect(await storage.size(diag)).toBeUndefined();
    expect(await storage.size(client)).toBe(5);
    expect((await pool.query("SELECT count(*)::int AS n FROM recordings WHERE tenant_id = $1 AND kind = 'diagnostic'", [t])).rows[0]).toEqual({ n: 0 });
    expect(await runRetentionJob('recordings', deps)).toEqual({ recordingsDeleted: 0, diagnosticRecordingsDeleted: 0 });
    expect(await registry.getSingleMetricAsString('jobs_retention_deleted_total')).toContain('rule="diagnostic_recordings"} 1');
  });

  it('deletes technical logs and SIP traces last written 30 days ago, not one millisecond before, in every subfolder', async () => {
    const now = T0 + 200 * DAY;
    const file = (rel: string, writtenAtMs: number) => {
      const path = join(techLogDir, rel);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, 'x'.repeat(10));
      utimesSync(path, new Date(writtenAtMs), new Date(writtenAtMs));
      return path;
    };
    const edge = now - 30 * DAY; // whole seconds: file times keep them exactly
    const old = file('switch-2026-10-01.log', edge);
    const young = file('switch-2026-10-02.log', edge + 1_000);
    const oldTrace = file('sip-traces/sip-server-2026-10-01.log', edge - DAY);
    clock.setNow(now - 1); // the edge file is 30 days old minus 1 ms
    expect(await runRetentionJob('technical-logs', deps)).toEqual({ filesDeleted: 1, bytesDeleted: 10 }); // only the trace (31 days)
    expect([existsSync(old), existsSync(young), existsSync(oldTrace)]).toEqual([true, true, false]);
    clock.setNow(now);
    expect(await runRetentionJob('technical-logs', deps)).toEqual({ filesDeleted: 1, bytesDeleted: 10 });
    expect([existsSync(old), existsSync(young)]).toEqual([false, true]);
    expect(await runRetentionJob('technical-logs', deps)).toEqual({ filesDeleted: 0, bytesDeleted: 0 }); // idempotent
    clock.setNow(now + 1_000);
    expect(await runRetentionJob('technical-logs', deps)).toEqual({ filesDeleted: 1, bytesDeleted: 10 });
    expect(await registry.getSingleMetricAsString('jobs_retention_deleted_total')).toContain('rule="technical_logs"} 3');
  });

  it('takes an expiring workspace\'s recordings with it, and leaves other workspaces alone', async () => {
    const expiring = await tenant(new Date(T0 + 40 * DAY));
    const other = await tenant();
    const gone = await recording(expiring, T0, T0 + 60 * DAY);
    const kept = await recording(other, T0, T0 + 60 * DAY);
    const staffId = (await pool.query<{ id: string }>(`INSERT INTO staff_users (email, display_name, role, password_hash, totp_secret_enc) VALUES ($1, 's', 'support', '$argon2id$x', '\\x00') RETURNING id`, [`${randomUUID()}@example.test`])).rows[0]!.id;
    for (const t of [expiring, other]) {
      await pool.query(`INSERT INTO diagnostic_recording_flags (tenant_id, starts_at, ends_at, reason, created_by) VALUES ($1, $2, $3, 'x', $4)`, [t, new Date(T0), new Date(T0 + 90 * DAY), staffId]);
    }
    const flagsOf = async (t: string) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM diagnostic_recording_flags WHERE tenant_id = $1', [t])).rows[0]!.n;
    clock.setNow(T0 + 40 * DAY - 1);
    expect((await runRetentionJob('workspace-expiry', deps))['recordingsDeleted']).toBe(0);
    expect(await flagsOf(expiring)).toBe(1);
    clock.setNow(T0 + 40 * DAY);
    const r = await runRetentionJob('workspace-expiry', deps);
    expect(r['recordingsDeleted']).toBe(1);
    expect(r['workspacesExpired']).toBeGreaterThanOrEqual(1);
    expect(await storage.size(gone)).toBeUndefined();
    expect(await storage.size(kept)).toBe(5);
    expect(r['diagnosticFlagsRemoved']).toBeGreaterThanOrEqual(1);
    expect([await flagsOf(expiring), await flagsOf(other)]).toEqual([0, 1]);
  });

  it('runs the rules as BullMQ repeatable jobs', async () => {
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const jobs = await startRetentionJobs({ ...deps, connection, prefix: `retention-test-${randomUUID()}`, everyMs: 60_000 });
    try {
      const schedulers = await jobs.queue.getJobSchedulers();
      expect(schedulers.map((s) => s.name).sort()).toEqual(['billing-purge', 'cdr-partitions', 'recordings', 'sms', 'technical-logs', 'workspace-expiry']);
    } finally {
      await jobs.close();
      connection.disconnect();
    }
  });
});
