/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import { subscribeCallCommands } from '#switch/recording/call-command-subscriber.js';
import { startHarness, type Harness } from './harness.js';

// Tenant isolation: every tenant route, called by tenant B with tenant A's ids, answers 404;
// every tenant list called by B shows none of A's rows.
describe('tenant isolation', () => {
  let h: Harness;
  let admin: string;
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  const idsOfA: Record<string, string> = {};
  // Live-call commands go to the switches: a real switch-side subscriber answers them here.
  const switchSide = { subscriber: undefined as Redis | undefined, publisher: undefined as Redis | undefined };

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.staffToken('admin');
    a = await h.tenant(admin);
    b = await h.tenant(admin);
    await h.call('POST', `/v1/staff/tenants/${a.id}/topups`, { token: admin, headers: { 'idempotency-key': 'a1' }, body: { amountMinor: 10_000, currency: 'GBP' } });
    const num = await h.call('POST', '/v1/staff/numbers', { token: admin, body: { e164: '+442079990001', country: 'GB', type: 'local', monthlyPriceMinor: 100, currency: 'GBP' } });
    const user = await h.call('POST', '/v1/sip-users', { token: a.key, body: { username: 'a-user', password: 'a-user-secret' } });
    idsOfA['/v1/sip-users'] = user.body.id;
    const key = await h.call('POST', '/v1/api-keys', { token: a.key, body: { name: 'second', scopes: ['read'] } });
    idsOfA['/v1/api-keys'] = key.body.id;
    const sub = await h.call('POST', '/v1/number-subscriptions', { token: a.key, body: { numberId: num.body.id, period: 'month', routing: { kind: 'sip_users', sipUserIds: [user.body.id] } } });
    expect(sub.status, sub.text).toBe(201);
    idsOfA['/v1/number-subscriptions'] = sub.body.id;
    const block = await h.call('POST', '/v1/blocked-prefixes', { token: a.key, body: { prefix: '4490' } });
    idsOfA['/v1/blocked-prefixes'] = block.body.id;
    const correction = await h.call('POST', '/v1/privacy/corrections', { token: a.key, body: { tenant: { country: 'IE' } } });
    expect(correction.status, correction.text).toBe(200);
    idsOfA['/v1/privacy/requests'] = correction.body.requestId;
    await h.api.pool.query(
      `INSERT INTO cdrs (call_id, tenant_id, direction, calling_number, called_number, disposition, started_at, billable_sec, price_minor, currency)
       VALUES ('a-call-1', $1, 'outbound', '+442079990001', '+33123456789', 'answered', $2, 60, 12, 'GBP')`,
      [a.id, new Date(h.clock.now() - 3600_000)],
    );
    const rec = await h.api.pool.query<{ id: string }>(
      `INSERT INTO recordings (tenant_id, call_id, started_at, duration_ms, storage_key, bytes, expires_at)
       VALUES ($1, 'a-call-1', $2, 60000, $3, 1000, $4) RETURNING id`,
      [a.id, new Date(h.clock.now() - 3600_000), `${a.id}/a-call-1.wav`, new Date(h.clock.now() + 86_400_000)],
    );
    idsOfA['/v1/recordings'] = rec.rows[0]?.id ?? '';
    idsOfA['/v1/calls'] = 'a-call-1';
    switchSide.subscriber = new Redis(inject('redisUrl'));
    switchSide.publisher = new Redis(inject('redisUrl'));
    await subscribeCallCommands({ subscriber: switchSide.subscriber, publisher: switchSide.publisher, active: new Map(), log: createLogger({ service: 'isolation', level: 'silent' }) });
  });
  afterAll(async () => {
    switchSide.subscriber?.disconnect();
    switchSide.publisher?.disconnect();
    await h.close();
  });

  it('walks every tenant route with another tenant\'s ids (as its API key and as its user) and gets 404', async () => {
    const tenantRoutes = h.api.routes.filter((r) => r.auth.kind === 'tenant' && r.params.length > 0);
    expect(tenantRoutes.length).toBeGreaterThanOrEqual(8);
    await h.call('POST', `/v1/staff/tenants/${b.id}/users`, { token: admin, body: { email: 'b@ws.test', displayName: 'B', role: 'owner', password: 'workspace password 1' } });
    const bUser = (await h.call('POST', '/v1/login', { body: { workspaceId: b.id, email: 'b@ws.test', password: 'workspace password 1' } })).body.token as string;
    const walked: string[] = [];
    for (const [route, token] of tenantRoutes.flatMap((r) => [[r, b.key], [r, bUser]] as const)) {
      const base = Object.keys(idsOfA).find((p) => route.path.startsWith(`${p}/`));
      expect(base, `no resource of tenant A for ${route.path}: extend this test`).toBeDefined();
      const path = route.path.replace(/:(id|callId)\b/, encodeURIComponent(idsOfA[base!]!));
      const r = await h.call(route.method.toUpperCase(), path, { token, ...(route.method === 'patch' ? { body: {} } : {}) });
      expect({ route: `${route.method} ${route.path}`, status: r.status, code: r.body?.code }).toEqual({ route: `${route.method} ${route.path}`, status: 404, code: 'API_NOT_FOUND' });
      walked.push(`${route.method} ${route.path}`);
    }
    // A's resources are untouched and still reachable by A.
    expect((await h.call('GET', `/v1/sip-users/${idsOfA['/v1/sip-users']}`, { token: a.key })).status).toBe(200);
    expect((await h.call('GET', `/v1/number-subscriptions/${idsOfA['/v1/number-subscriptions']}`, { token: a.key })).body.status).toBe('active');
    expect((await h.call('GET', '/v1/tenant', { token: a.key })).status).toBe(200);
    expect(walked.length).toBe(tenantRoutes.length * 2);
  });

  it('lists and totals of tenant B never show tenant A\'s rows', async () => {
    const lists = h.api.routes.filter((r) => r.auth.kind === 'tenant' && r.method === 'get' && r.params.length === 0);
    const secrets = Object.values(idsOfA);
    for (const route of lists) {
      const query = route.path === '/v1/rates' ? '?destination=%2B441' : '';
      const r = await h.call('GET', route.path + query, { token: b.key });
      expect(r.status === 200 || r.status === 404, `${route.path}: ${r.text}`).toBe(true);
      for (const s of [...secrets, a.id, 'a-call-1']) expect(r.text, route.path).not.toContain(s);
    }
    const cdrsA = await h.call('GET', '/v1/cdrs', { token: a.key });
    expect(cdrsA.body.items.map((c: { callId: string }) => c.callId)).toEqual(['a-call-1']);
    const usageB = await h.call('GET', '/v1/usage', { token: b.key });
    expect(usageB.body.totals).toEqual([]);
  });

  it('row-level security stops a query that forgets its tenant filter', async () => {
    const { inScope } = await import('../db/scope.js');
    const seen = await inScope(h.api.pool, { tenantId: b.id }, async (c) => (await c.query('SELECT id FROM sip_users')).rowCount);
    expect(seen).toBe(0);
    const mine = await inScope(h.api.pool, { tenantId: a.id }, async (c) => (await c.query('SELECT id FROM sip_users')).rowCount);
    expect(mine).toBe(1);
  });
});
