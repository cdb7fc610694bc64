/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblem4xx, startHarness, type Harness } from './harness.js';

describe('tenants, staff auth and API keys', () => {
  let h: Harness;
  let admin: string;

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.staffToken('admin');
  });
  afterAll(() => h.close());

  it('creates, reads, updates and lists tenants, auditing every write', async () => {
    const t = await h.tenant(admin, { maxConcurrentCalls: 3 });
    const self = await h.call('GET', '/v1/tenant', { token: t.key });
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ id: t.id, currency: 'GBP', status: 'active', maxConcurrentCalls: 3, plainRtpPolicy: 'allow' });
    const upd = await h.call('PATCH', `/v1/staff/tenants/${t.id}`, { token: admin, body: { status: 'suspended', maxCps: 2, recordingEnabled: true } });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ status: 'suspended', maxCps: 2, recordingEnabled: true, closedAt: null });
    const closed = await h.call('PATCH', `/v1/staff/tenants/${t.id}`, { token: admin, body: { status: 'closed' } });
    expect(closed.body.closedAt).toBe(new Date(h.clock.now()).toISOString());
    const refused = await h.call('GET', '/v1/tenant', { token: t.key });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('API_TENANT_INACTIVE');
    await h.tenant(admin);
    const list = await h.call('GET', '/v1/staff/tenants?limit=1', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(typeof list.body.nextCursor).toBe('string');
    const next = await h.call('GET', `/v1/staff/tenants?limit=1&cursor=${list.body.nextCursor}`, { token: admin });
    expect(next.body.items[0]?.id).not.toBe(list.body.items[0].id);
    const audit = await h.call('GET', `/v1/staff/audit-log?tenantId=${t.id}`, { token: admin });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['tenant.update', 'tenant.update', 'api_key.create', 'tenant.create']);
    expect(audit.body.items[0]).toMatchObject({ actorKind: 'staff', ip: '127.0.0.1' });
    expect(audit.body.items[0].before.status).toBe('suspended');
    expect(audit.body.items[0].after.status).toBe('closed');
  });

  it('refuses bad tenant input with problem+json naming the fields, never 5xx', async () => {
    const bad: unknown[] = [
      { name: 7, country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: 'a.test' },
      { name: 'x', country: 'gb', defaultDialPrefix: '44', currency: 'GBP', sipRealm: 'b.test' },
      { name: 'x', country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: 'c.test', colour: 'red' },
      { name: 'x'.repeat(100_000), country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: 'd.test' },
      { name: 'x', country: 'GB', defaultDialPrefix: '044', currency: 'GBP', sipRealm: 'e.test' },
      { name: 'x', country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: 'f.test', maxCps: -1 },
      [1, 2],
      null,
    ];
    const paths: string[][] = [];
    for (const body of bad) {
      const r = await h.call('POST', '/v1/staff/tenants', { token: admin, body });
      expect(isProblem4xx(r), r.text).toBe(true);
      paths.push((r.body.errors ?? []).map((e: { path: string }) => e.path));
    }
    expect(paths[0]).toContain('body.name');
    expect(paths[1]).toContain('body.country');
    expect(paths[2]).toContain('body.colour');
    expect(paths[4]).toContain('body.defaultDialPrefix');
    expect(paths[5]).toContain('body.maxCps');
    const notJson = await h.call('POST', '/v1/staff/tenants', { token: admin, raw: '{"name":', contentType: 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.code).toBe('API_BAD_JSON');
    const wrongType = await h.call('POST', '/v1/staff/tenants', { token: admin, raw: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    const dup = await h.tenant(admin);
    const clash = await h.call('POST', '/v1/staff/tenants', { token: admin, body: { name: 'dup', country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: dup.realm } });
    expect(clash.status).toBe(409);
    const unknown = await h.call('GET', '/v1/staff/tenants/00000000-0000-4000-8000-000000000000', { token: admin });
    expect(unknown.status).toBe(404);
    const badId = await h.call('PATCH', '/v1/staff/tenants/not-a-uuid', { token: admin, body: {} });
    expect(badId.status).toBe(404);
  });

  it('requires a staff token with the right role, and TOTP to get one', async () => {
    const noc = await h.staffToken('noc');
    const r = await h.call('POST', '/v1/staff/tenants', { token: noc, body: { name: 'x', country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: 'noc.test' } });
    expect(r.status).toBe(403);
    expect((await h.call('GET', '/v1/staff/tenants')).status).toBe(401);
    const t = await h.tenant(admin);
    expect((await h.call('GET', '/v1/staff/tenants', { token: t.key })).status).toBe(403);
    expect((await h.call('GET', '/v1/tenant', { token: admin })).status).toBe(403);
    const forged = admin.slice(0, -2) + (admin.endsWith('AA') ? 'BB' : 'AA');
    expect((await h.call('GET', '/v1/staff/tenants', { token: forged })).status).toBe(401);
    h.clock.advance(16 * 60_000);
    expect((await h.call('GET', '/v1/staff/tenants', { token: admin })).status).toBe(401);
    admin = await h.staffToken('admin');
  });

  it('API keys: scopes, listing without secrets, and revocation that applies to the next request', async () => {
    const t = await h.tenant(admin);
    const ro = await h.call('POST', '/v1/api-keys', { token: t.key, body: { name: 'read only', scopes: ['read'] } });
    expect(ro.status).toBe(201);
    expect(ro.body.key).toMatch(/^sk_[0-9a-f]{16}\.[0-9a-f]{64}$/);
    expect((await h.call('GET', '/v1/tenant', { headers: { 'x-api-key': ro.body.key } })).status).toBe(200);
    const denied = await h.call('POST', '/v1/api-keys', { token: ro.body.key, body: { name: 'x', scopes: ['read'] } });
    expect(denied.status).toBe(403);
    const list = await h.call('GET', '/v1/api-keys', { token: t.key });
    expect(list.body.items).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(ro.body.key.split('.')[1]);
    for (const body of [{ name: 'x', scopes: [] }, { name: 'x', scopes: ['admin'] }, { name: '', scopes: ['read'] }, { name: 'x', scopes: ['read'], expiresAt: 'tomorrow' }, { name: 'x', scopes: 'read' }]) {
      const bad = await h.call('POST', '/v1/api-keys', { token: t.key, body });
      expect(isProblem4xx(bad), bad.text).toBe(true);
    }
    const revoke = await h.call('DELETE', `/v1/api-keys/${ro.body.id}`, { token: t.key });
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).not.toBeNull();
    const after = await h.call('GET', '/v1/tenant', { token: ro.body.key });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('API_UNAUTHENTICATED');
    const bogus = await h.call('GET', '/v1/tenant', { token: `${ro.body.key.slice(0, -1)}0` });
    expect(bogus.status).toBe(401);
    const expiring = await h.call('POST', '/v1/api-keys', { token: t.key, body: { name: 'short', scopes: ['read'], expiresAt: new Date(h.clock.now() + 60_000).toISOString() } });
    expect((await h.call('GET', '/v1/tenant', { token: expiring.body.key })).status).toBe(200);
    h.clock.advance(61_000);
    expect((await h.call('GET', '/v1/tenant', { token: expiring.body.key })).status).toBe(401);
  });

  it('staff login needs the TOTP code, not just the password', async () => {
    const r = await h.call('POST', '/v1/staff/login', { body: { email: 'nobody@example.test', password: 'x', totp: '123456' } });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('API_LOGIN_FAILED');
    const missing = await h.call('POST', '/v1/staff/login', { body: { email: 'nobody@example.test', password: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('body.totp');
    const created = await h.call('POST', '/v1/staff/users', { token: admin, body: { email: 'ops@example.test', displayName: 'Ops', role: 'support', password: 'a long enough password' } });
    expect(created.status).toBe(201);
    expect(created.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const wrongCode = await h.call('POST', '/v1/staff/login', { body: { email: 'ops@example.test', password: 'a long enough password', totp: '000000' } });
    expect(wrongCode.status).toBe(401);
  });

  it('workspace users log in for a token that works on the tenant routes within their role', async () => {
    const t = await h.tenant(admin);
    const other = await h.tenant(admin);
    const mk = (role: string, email: string) => h.call('POST', `/v1/staff/tenants/${t.id}/users`, { token: admin, body: { email, displayName: role, role, password: 'workspace password 1' } });
    const owner = await mk('owner', 'owner@ws.test');
    expect(owner.status, owner.text).toBe(201);
    expect(owner.text).not.toContain('password');
    await mk('billing', 'billing@ws.test');
    expect((await mk('owner', 'owner@ws.test')).status).toBe(409);
    const login = (workspaceId: string, email: string, password = 'workspace password 1') => h.call('POST', '/v1/login', { body: { workspaceId, email, password } });
    const ownerLogin = await login(t.id, 'owner@ws.test');
    expect(ownerLogin.status, ownerLogin.text).toBe(200);
    expect(ownerLogin.body.token).toMatch(/^tu1\./);
    expect((await h.call('GET', '/v1/tenant', { token: ownerLogin.body.token })).body.id).toBe(t.id);
    const created = await h.call('POST', '/v1/sip-users', { token: ownerLogin.body.token, body: { username: 'by-owner', password: 'owner-made-secret' } });
    expect(created.status).toBe(201);
    const billing = await login(t.id, 'billing@ws.test');
    expect((await h.call('GET', '/v1/sip-users', { token: billing.body.token })).status).toBe(200);
    expect((await h.call('POST', '/v1/sip-users', { token: billing.body.token, body: { username: 'nope', password: 'billing-made-secret' } })).status).toBe(403);
    expect((await login(t.id, 'owner@ws.test', 'wrong password')).status).toBe(401);
    expect((await login(other.id, 'owner@ws.test')).status).toBe(401);
    expect((await h.call('GET', '/v1/staff/tenants', { token: ownerLogin.body.token })).status).toBe(403);
    const audit = await h.call('GET', `/v1/staff/audit-log?tenantId=${t.id}&action=sip_user.create`, { token: admin });
    expect(audit.body.items[0]).toMatchObject({ actorKind: 'tenant_user', actorId: owner.body.id });
    const disabled = await h.call('PATCH', `/v1/staff/tenants/${t.id}/users/${owner.body.id}`, { token: admin, body: { status: 'disabled' } });
    expect(disabled.body.status).toBe('disabled');
    expect((await h.call('GET', '/v1/tenant', { token: ownerLogin.body.token })).status).toBe(401);
    const list = await h.call('GET', `/v1/staff/tenants/${t.id}/users`, { token: admin });
    expect(list.body.items.map((u: { email: string }) => u.email)).toEqual(['billing@ws.test', 'owner@ws.test']);
  });
});
