/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '#lib/secret-box/index.js';
import { deriveKey } from '#lib/secret-box/index.js';
import { SECRET_PURPOSE } from '../service.js';
import { isProblem4xx, startHarness, TOKEN_SECRET, type Harness } from './harness.js';

describe('carriers, gateways, routes and blocked destinations (staff)', () => {
  let h: Harness;
  let noc: string;

  beforeAll(async () => {
    h = await startHarness();
    noc = await h.staffToken('noc');
  });
  afterAll(() => h.close());

  it('creates a carrier with a gateway whose password is stored encrypted, an ACL and a route', async () => {
    const c = await h.call('POST', '/v1/staff/carriers', { token: noc, body: { name: 'Carrier One' } });
    expect(c.status, c.text).toBe(201);
    const renamed = await h.call('PATCH', `/v1/staff/carriers/${c.body.id}`, { token: noc, body: { name: 'Carrier One Ltd', enabled: false } });
    expect(renamed.body).toMatchObject({ name: 'Carrier One Ltd', enabled: false });
    const g = await h.call('POST', `/v1/staff/carriers/${c.body.id}/gateways`, {
      token: noc,
      body: { name: 'gw1', address: 'sip.carrier.test', port: 5061, transport: 'tls', mediaEncryption: 'srtp', techPrefix: '123#', registerOut: true, authUsername: 'acct', authPassword: 'carrier-pass', maxCps: 20 },
    });
    expect(g.status, g.text).toBe(201);
    expect(g.body).toMatchObject({ transport: 'tls', mediaEncryption: 'srtp', techPrefix: '123#', registerOut: true, hasAuthPassword: true, maxCps: 20, acl: [] });
    expect(g.text).not.toContain('carrier-pass');
    const stored = await h.api.pool.query<{ auth_password_enc: Buffer }>('SELECT auth_password_enc FROM gateways WHERE id = $1', [g.body.id]);
    expect(stored.rows[0]!.auth_password_enc.includes(Buffer.from('carrier-pass'))).toBe(false);
    expect(open(deriveKey(TOKEN_SECRET, SECRET_PURPOSE), stored.rows[0]!.auth_password_enc)).toBe('carrier-pass');
    const acl = await h.call('POST', `/v1/staff/gateways/${g.body.id}/acl`, { token: noc, body: { cidr: '192.0.2.0/24' } });
    expect(acl.status, acl.text).toBe(201);
    expect(acl.body.acl).toEqual(['192.0.2.0/24']);
    expect((await h.call('DELETE', `/v1/staff/gateways/${g.body.id}/acl/${encodeURIComponent('192.0.2.0/24')}`, { token: noc })).status).toBe(204);
    const off = await h.call('PATCH', `/v1/staff/gateways/${g.body.id}`, { token: noc, body: { enabled: false, maxConcurrentCalls: 5 } });
    expect(off.body).toMatchObject({ enabled: false, maxConcurrentCalls: 5, acl: [] });
    const route = await h.call('POST', '/v1/staff/routes', { token: noc, body: { prefix: '44', gatewayId: g.body.id, priority: 10, weight: 50 } });
    expect(route.status, route.text).toBe(201);
    const routes = await h.call('GET', '/v1/staff/routes?prefix=44', { token: noc });
    expect(routes.body.items).toHaveLength(1);
    expect((await h.call('DELETE', `/v1/staff/routes/${route.body.id}`, { token: noc })).status).toBe(204);
    const block = await h.call('POST', '/v1/staff/blocked-prefixes', { token: noc, body: { prefix: '881', reason: 'satellite' } });
    expect(block.body).toMatchObject({ prefix: '881', global: true });
    const audit = await h.call('GET', '/v1/staff/audit-log?limit=200', { token: noc });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    for (const a of ['carrier.create', 'carrier.update', 'gateway.create', 'gateway.acl_add', 'gateway.acl_remove', 'gateway.update', 'route.create', 'route.delete', 'blocked_prefix.create']) expect(actions).toContain(a);
    expect(JSON.stringify(audit.body)).not.toContain('carrier-pass');
  });

  it('refuses bad network input with 4xx problem+json', async () => {
    const c = await h.call('POST', '/v1/staff/carriers', { token: noc, body: { name: 'Carrier Two' } });
    const cases: [string, string, unknown][] = [
      ['POST', '/v1/staff/carriers', { name: '' }],
      ['POST', '/v1/staff/carriers', { name: 'Carrier Two' }],
      ['POST', `/v1/staff/carriers/${c.body.id}/gateways`, { name: 'g', address: 'bad host!' }],
      ['POST', `/v1/staff/carriers/${c.body.id}/gateways`, { name: 'g', address: '192.0.2.1', port: 70000 }],
      ['POST', `/v1/staff/carriers/${c.body.id}/gateways`, { name: 'g', address: '192.0.2.1', transport: 'sctp' }],
      ['POST', `/v1/staff/carriers/${c.body.id}/gateways`, { name: 'g', address: '192.0.2.1', registerOut: true }],
      ['POST', '/v1/staff/carriers/00000000-0000-4000-8000-000000000000/gateways', { name: 'g', address: '192.0.2.1' }],
      ['POST', '/v1/staff/routes', { prefix: '+44', gatewayId: '00000000-0000-4000-8000-000000000000' }],
      ['POST', '/v1/staff/routes', { prefix: '44', gatewayId: '00000000-0000-4000-8000-000000000000' }],
      ['POST', '/v1/staff/blocked-prefixes', { prefix: '' }],
      ['PATCH', '/v1/staff/gateways/00000000-0000-4000-8000-000000000000', { enabled: true }],
    ];
    for (const [method, path, body] of cases) {
      const r = await h.call(method, path, { token: noc, body });
      expect(isProblem4xx(r), `${method} ${path} ${JSON.stringify(body)}: ${r.status} ${r.text}`).toBe(true);
    }
    const g = await h.call('POST', `/v1/staff/carriers/${c.body.id}/gateways`, { token: noc, body: { name: 'g', address: '192.0.2.1' } });
    const badAcl = await h.call('POST', `/v1/staff/gateways/${g.body.id}/acl`, { token: noc, body: { cidr: '300.1.1.1/24' } });
    expect(badAcl.status).toBe(400);
    expect(badAcl.body.errors[0].path).toBe('body.cidr');
  });

  it('a workspace manages its own blocked destinations', async () => {
    const admin = await h.staffToken('admin');
    const t = await h.tenant(admin);
    const created = await h.call('POST', '/v1/blocked-prefixes', { token: t.key, body: { prefix: '4470', reason: 'no UK mobiles' } });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ prefix: '4470', global: false, reason: 'no UK mobiles' });
    expect((await h.call('POST', '/v1/blocked-prefixes', { token: t.key, body: { prefix: '4470' } })).status).toBe(409);
    for (const body of [{ prefix: '+4470' }, { prefix: 4470 }, { prefix: '1'.repeat(16) }, { prefix: '44', reason: 'x'.repeat(501) }, { prefix: '44', global: true }]) {
      const bad = await h.call('POST', '/v1/blocked-prefixes', { token: t.key, body });
      expect(isProblem4xx(bad), bad.text).toBe(true);
    }
    const list = await h.call('GET', '/v1/blocked-prefixes', { token: t.key });
    expect(list.body.items.map((b: { prefix: string }) => b.prefix)).toEqual(['4470']);
    expect((await h.call('DELETE', `/v1/blocked-prefixes/${created.body.id}`, { token: t.key })).status).toBe(204);
    expect((await h.call('GET', '/v1/blocked-prefixes', { token: t.key })).body.items).toEqual([]);
  });
});
