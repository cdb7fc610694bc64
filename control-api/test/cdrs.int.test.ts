/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblem4xx, startHarness, type Harness } from './harness.js';

describe('CDR listing, CSV export and usage', () => {
  let h: Harness;
  let t: { id: string; key: string };

  beforeAll(async () => {
    h = await startHarness();
    const admin = await h.staffToken('admin');
    t = await h.tenant(admin);
    const now = h.clock.now();
    const rows: [string, string, string, string, number, number, number][] = [
      ['c1', 'outbound', '+442071234567', '+33123456789', 0, 60, 12],
      ['c2', 'outbound', '+442071234567', '+33999999999', 1, 0, 0],
      ['c3', 'inbound', '+15551234567', '+442071234567', 2, 120, 0],
      ['c4', 'outbound', '+442071234567', '=cmd|calc', 3, 30, 6],
      ['c5', 'outbound', '+442071234567', '+4917012345', 40, 90, 20],
    ];
    for (const [callId, direction, from, to, hoursAgo, sec, price] of rows) {
      await h.api.pool.query(
        `INSERT INTO cdrs (call_id, tenant_id, direction, calling_number, called_number, disposition, started_at, billable_sec, price_minor, cost_minor, currency, sip_status, sip_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, 'GBP', $10, $11)`,
        [callId, t.id, direction, from, to, sec > 0 ? 'answered' : 'busy', new Date(now - hoursAgo * 3600_000 - 1000), sec, price, sec > 0 ? 200 : 486, sec > 0 ? 'OK' : 'Busy, "really"'],
      );
    }
  });
  afterAll(() => h.close());

  it('lists newest first with filters and cursor pagination', async () => {
    const all = await h.call('GET', '/v1/cdrs', { token: t.key });
    expect(all.body.items.map((c: { callId: string }) => c.callId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(all.body.items[0]).toMatchObject({ direction: 'outbound', billableSec: 60, priceMinor: 12, currency: 'GBP', disposition: 'answered' });
    expect(all.body.items[0]).not.toHaveProperty('costMinor');
    const p1 = await h.call('GET', '/v1/cdrs?limit=2', { token: t.key });
    const p2 = await h.call('GET', `/v1/cdrs?limit=2&cursor=${p1.body.nextCursor}`, { token: t.key });
    const p3 = await h.call('GET', `/v1/cdrs?limit=2&cursor=${p2.body.nextCursor}`, { token: t.key });
    expect([...p1.body.items, ...p2.body.items, ...p3.body.items].map((c: { callId: string }) => c.callId)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(p3.body.nextCursor).toBeNull();
    const inbound = await h.call('GET', '/v1/cdrs?direction=inbound', { token: t.key });
    expect(inbound.body.items.map((c: { callId: string }) => c.callId)).toEqual(['c3']);
    const busy = await h.call('GET', '/v1/cdrs?disposition=busy', { token: t.key });
    expect(busy.body.items.map((c: { callId: string }) => c.callId)).toEqual(['c2']);
    const num = await h.call('GET', '/v1/cdrs?number=%2B33123456789', { token: t.key });
    expect(num.body.items.map((c: { callId: string }) => c.callId)).toEqual(['c1']);
    const from = new Date(h.clock.now() - 2.5 * 3600_000).toISOString();
    const ranged = await h.call('GET', `/v1/cdrs?from=${encodeURIComponent(from)}`, { token: t.key });
    expect(ranged.body.items.map((c: { callId: string }) => c.callId)).toEqual(['c1', 'c2', 'c3']);
  });

  it('exports CSV with quoting and formula protection', async () => {
    const r = await h.call('GET', '/v1/cdrs?format=csv&limit=1000', { token: t.key });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,callId,direction,callingNumber,calledNumber,sipStatus,sipReason,disposition,startedAt,ringAt,answerAt,endAt,pddMs,billableSec,priceMinor,currency,endReason,recorded,recordingKind');
    expect(lines).toHaveLength(6);
    expect(lines.find((l) => l.includes(',c2,'))).toContain('"Busy, ""really"""');
    expect(lines.find((l) => l.includes(',c4,'))).toContain(`,'=cmd|calc,`);
  });

  it('sums usage per direction', async () => {
    const r = await h.call('GET', '/v1/usage', { token: t.key });
    expect(r.body.totals).toEqual([
      { direction: 'inbound', currency: 'GBP', calls: 1, answered: 1, billableSec: 120, priceMinor: 0 },
      { direction: 'outbound', currency: 'GBP', calls: 4, answered: 3, billableSec: 180, priceMinor: 38 },
    ]);
  });

  it('staff see every tenant\'s CDRs with cost and margin', async () => {
    const noc = await h.staffToken('noc');
    const r = await h.call('GET', `/v1/staff/cdrs?tenantId=${t.id}&limit=2`, { token: noc });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items[0]).toMatchObject({ callId: 'c1', tenantId: t.id, priceMinor: 12, costMinor: 1, marginMinor: 11, reconciled: false });
    expect((await h.call('GET', '/v1/staff/cdrs', { token: t.key })).status).toBe(403);
  });

  it('refuses bad filters with problem+json', async () => {
    for (const q of ['direction=sideways', 'limit=0', 'limit=abc', 'limit=500', 'from=yesterday', 'cursor=garbage', 'number=abc', 'colour=red', `from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, 'format=xml']) {
      const r = await h.call('GET', `/v1/cdrs?${q}`, { token: t.key });
      expect(isProblem4xx(r), `${q}: ${r.text}`).toBe(true);
      expect(r.body.errors?.length, q).toBeGreaterThan(0);
    }
  });
});
