/* eslint-disable @typescript-eslint/no-unsafe-member-access -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

describe('SMS API', () => {
  let h: Harness;
  let a: { id: string; key: string };
  let b: { id: string; key: string };

  beforeAll(async () => {
    h = await startHarness();
    const admin = await h.staffToken('admin');
    a = await h.tenant(admin);
    b = await h.tenant(admin);
    const now = h.clock.now();
    const insert = (tenantId: string, cseq: number, direction: string, status: string, atMs: number, body: string) =>
      h.api.pool.query(
        `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, from_number, to_number, body, status, sip_status, price_minor, currency, occurred_at)
         VALUES ($1, $2, 'sms-call', $3, '+442079460099', '+442071234567', $4, $5, $6, $7, 'GBP', $8)`,
        [tenantId, direction, cseq, body, status, status === 'stored' ? 202 : 200, direction === 'inbound' ? 0 : 5, new Date(atMs)],
      );
    await insert(a.id, 1, 'inbound', 'stored', now - 3_000, 'first stored');
    await insert(a.id, 2, 'inbound', 'delivered', now - 2_000, 'delivered one');
    await insert(a.id, 3, 'outbound', 'sent', now - 1_000, 'sent one');
    await insert(b.id, 4, 'inbound', 'stored', now - 500, 'b stored');
  });
  afterAll(() => h.close());

  it('lists the workspace’s stored inbound messages for pickup, and nothing of another workspace', async () => {
    const r = await h.call('GET', '/v1/sms?status=stored', { token: a.key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items).toMatchObject([{ direction: 'inbound', status: 'stored', body: 'first stored', sipStatus: 202, priceMinor: 0, from: '+442079460099', to: '+442071234567' }]);
    expect(r.text).not.toContain('b stored');
  });

  it('pages newest first and filters by direction', async () => {
    const first = await h.call('GET', '/v1/sms?limit=2', { token: a.key });
    expect((first.body.items as { body: string }[]).map((m) => m.body)).toEqual(['sent one', 'delivered one']);
    const next = await h.call('GET', `/v1/sms?limit=2&cursor=${String(first.body.nextCursor)}`, { token: a.key });
    expect((next.body.items as { body: string }[]).map((m) => m.body)).toEqual(['first stored']);
    expect(next.body.nextCursor).toBeNull();
    const outbound = await h.call('GET', '/v1/sms?direction=outbound', { token: a.key });
    expect(outbound.body.items).toMatchObject([{ status: 'sent', priceMinor: 5, currency: 'GBP' }]);
  });

  it('refuses an unknown status filter with a validation problem', async () => {
    const r = await h.call('GET', '/v1/sms?status=lost', { token: a.key });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('API_VALIDATION_FAILED');
  });

  it('deletes a SIP user who sent messages; the messages stay with their billing facts, unlinked', async () => {
    const user = await h.call('POST', '/v1/sip-users', { token: a.key, body: { username: 'texter', password: 'texter-secret-1' } });
    expect(user.status, user.text).toBe(201);
    await h.api.pool.query(
      `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, sip_user_id, from_number, to_number, body, status, sip_status, price_minor, currency, occurred_at)
       VALUES ($1, 'outbound', 'sms-by-texter', 1, $2, '+442071234567', '+442079460099', 'hello', 'sent', 200, 5, 'GBP', $3)`,
      [a.id, user.body.id, new Date(h.clock.now())],
    );
    const del = await h.call('DELETE', `/v1/sip-users/${String(user.body.id)}`, { token: a.key });
    expect(del.status, del.text).toBe(204);
    const row = await h.api.pool.query<{ sip_user_id: string | null; price_minor: string }>(
      "SELECT sip_user_id, price_minor FROM sms_messages WHERE sip_call_id = 'sms-by-texter'",
    );
    expect(row.rows).toEqual([{ sip_user_id: null, price_minor: 5 }]);
  });
});
