/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HTTP response bodies are untyped JSON; the assertions check their shape. */
// Issue 9: staff diagnostic-recording windows (TOTP staff session, audited, the switch told at once),
// closing one early makes its recordings expire now, and the live-call recording commands answer
// 404 for a call no switch holds.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import { LocalDiskStorage } from '#media/index.js';
import { subscribeCallCommands } from '#switch/recording/call-command-subscriber.js';
import { createRetentionMetrics, runRetentionJob } from '#workers/retention/retention-jobs.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';

const DAY = 86_400_000;

describe('diagnostic recordings and live-call recording commands', () => {
  let h: Harness;
  let support: string;
  let noc: string;
  let t: { id: string; key: string };
  let other: { id: string; key: string };

  beforeAll(async () => {
    h = await startHarness();
    const admin = await h.staffToken('admin');
    support = await h.staffToken('support');
    noc = await h.staffToken('noc');
    t = await h.tenant(admin);
    other = await h.tenant(admin);
  });
  afterAll(() => h.close());

  const activeNumber = async (tenantId: string) => {
    const n = await h.api.pool.query<{ id: string }>(
      "INSERT INTO numbers (e164, country, number_type, monthly_price_minor, currency, status) VALUES ($1, 'GB', 'local', 100, 'GBP', 'active') RETURNING id",
      [`+44207${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`],
    );
    const now = h.clock.now();
    await h.api.pool.query(`INSERT INTO number_subscriptions (tenant_id, number_id, period, status, started_at, expires_at) VALUES ($1, $2, 'month', 'active', $3, $4)`, [tenantId, n.rows[0]!.id, new Date(now), new Date(now + 30 * DAY)]);
    return n.rows[0]!.id;
  };

  it('staff open a 7-day window by default, audited, and the switch is told; clients and NOC staff cannot', async () => {
    const sub = new Redis(inject('redisUrl'));
    const events: string[] = [];
    sub.on('message', (_c: string, m: string) => events.push(m));
    await sub.subscribe('softswitch:changes:tenant');
    try {
      expect((await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: t.key, body: { reason: 'x' } })).status).toBe(403);
      expect((await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: noc, body: { reason: 'x' } })).status).toBe(403);
      const r = await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: support, body: { reason: 'ticket 4711: one-way audio' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ tenantId: t.id, numberId: null, startsAt: new Date(h.clock.now()).toISOString(), endsAt: new Date(h.clock.now() + 7 * DAY).toISOString(), active: true });
      const audit = await h.api.pool.query("SELECT actor_kind, tenant_id, target_id FROM audit_log WHERE action = 'diagnostic_recording.open'");
      expect(audit.rows).toEqual([{ actor_kind: 'staff', tenant_id: t.id, target_id: r.body.id }]);
      for (let i = 0; i < 50 && !events.some((e) => e.includes(t.id)); i++) await new Promise((res) => setTimeout(res, 20));
      expect(events.some((e) => e.includes(t.id) && e.includes('diagnostic_recording'))).toBe(true);
      const list = await h.call('GET', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: support });
      expect(list.body.items.map((f: { id: string }) => f.id)).toEqual([r.body.id]);
    } finally {
      sub.disconnect();
    }
  });

  it('a number window needs an active number of that workspace and takes a chosen length', async () => {
    const theirs = await activeNumber(other.id);
    const bad = await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: support, body: { reason: 'x', numberId: theirs } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.numberId');
    expect((await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: support, body: { reason: 'x', durationDays: 31 } })).status).toBe(400);
    const ours = await activeNumber(t.id);
    const ok = await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: support, body: { reason: 'x', numberId: ours, durationDays: 2 } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ numberId: ours, endsAt: new Date(h.clock.now() + 2 * DAY).toISOString() });
  });

  it('closing a window early makes its recordings expire now; the retention run deletes them then, and not other recordings', async () => {
    const open = await h.call('POST', `/v1/staff/tenants/${t.id}/diagnostic-recordings`, { token: support, body: { reason: 'closing test' } });
    const dir = mkdtempSync(join(tmpdir(), 'diag-store-'));
    const storage = new LocalDiskStorage(dir);
    const insert = async (kind: 'client' | 'diagnostic', flagId: string | null) => {
      const key = `${t.id}/${randomUUID()}.wav`;
      await storage.put(key, Buffer.from('audio'));
      await h.api.pool.query(
        `INSERT INTO recordings (tenant_id, call_id, kind, started_at, duration_ms, storage_key, bytes, expires_at, diagnostic_flag_id) VALUES ($1, $2, $3, $4, 1000, $5, 5, $6, $7)`,
        [t.id, randomUUID(), kind, new Date(h.clock.now() - 60_000), key, new Date(h.clock.now() + (kind === 'client' ? 30 : 7) * DAY), flagId],
      );
      return key;
    };
    const diag = await insert('diagnostic', open.body.id as string);
    const client = await insert('client', null);
    h.clock.advance(DAY);
    support = await h.staffToken('support'); // staff tokens live 15 minutes
    const closed = await h.call('DELETE', `/v1/staff/tenants/${t.id}/diagnostic-recordings/${open.body.id}`, { token: support });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ endsAt: new Date(h.clock.now()).toISOString(), active: false });
    const audit = await h.api.pool.query("SELECT after FROM audit_log WHERE action = 'diagnostic_recording.close' AND target_id = $1", [open.body.id]);
    expect(audit.rows[0].after.recordingsExpiring).toBe(1);
    const deps = { pool: h.api.pool, storage, clock: h.clock, log: createLogger({ service: 't', level: 'silent' }), quarantineMs: DAY, techLogDir: dir, deleted: createRetentionMetrics(new Registry()) };
    expect(await runRetentionJob('recordings', deps)).toMatchObject({ diagnosticRecordingsDeleted: 1, recordingsDeleted: 0 });
    expect([await storage.size(diag), await storage.size(client)]).toEqual([undefined, 5]);
    expect((await h.call('DELETE', `/v1/staff/tenants/${other.id}/diagnostic-recordings/${open.body.id}`, { token: support })).status).toBe(404);
  });

  it('a live-call recording command for a call no switch holds is 404 once every switch answered; malformed ids too', async () => {
    // A real switch-side subscriber with no live call (as an idle switch instance answers).
    const subscriber = new Redis(inject('redisUrl'));
    const publisher = new Redis(inject('redisUrl'));
    try {
      await subscribeCallCommands({ subscriber, publisher, active: new Map(), log: createLogger({ service: 't', level: 'silent' }) });
      const start = await h.call('POST', `/v1/calls/${encodeURIComponent('no-such-call@host')}/recording`, { token: t.key });
      expect(start.status).toBe(404);
      expect(start.body.code).toBe('API_NOT_FOUND');
      expect((await h.call('DELETE', `/v1/calls/${encodeURIComponent('no-such-call@host')}/recording`, { token: t.key })).status).toBe(404);
      expect((await h.call('POST', `/v1/calls/${'x'.repeat(300)}/recording`, { token: t.key })).status).toBe(404); // a malformed id names no call
      expect((await h.call('POST', '/v1/calls/abc/recording', { token: support })).status).toBe(403);
    } finally {
      subscriber.disconnect();
      publisher.disconnect();
    }
  });
});
