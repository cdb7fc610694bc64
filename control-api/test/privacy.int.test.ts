/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { createHash } from 'node:crypto';
import { fromBuffer, type Entry } from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, T0, type Harness } from './harness.js';

/** Every entry of a zip archive, name → bytes (yauzl, lazy entries, bounded by the archive). */
async function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) => fromBuffer(buf, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return out;
}

async function exportZip(h: Harness, path: string, token: string): Promise<{ status: number; requestId: string | null; type: string | null; body: Buffer }> {
  const res = await fetch(h.base + path, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, requestId: res.headers.get('x-privacy-request-id'), type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

const DATASETS = ['tenant', 'users', 'api_keys', 'sip_users', 'number_subscriptions', 'blocked_prefixes', 'cdrs', 'sms_messages', 'ledger', 'balances', 'minute_bundles', 'sms_bundles', 'privacy_requests', 'recordings'];

describe('data-subject rights: export, erasure, correction', () => {
  let h: Harness;
  let admin: string;
  let a: { id: string; key: string; realm: string };
  let b: { id: string; key: string; realm: string };
  let userId: string;
  let subscriptionId: string;
  let numberId: string;
  const totpSecret = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const sipPassword = 'alice-sip-secret-1';

  beforeAll(async () => {
    h = await startHarness();
    admin = await h.staffToken('admin');
    a = await h.tenant(admin);
    b = await h.tenant(admin);
    const top = await h.call('POST', `/v1/staff/tenants/${a.id}/topups`, { token: admin, headers: { 'idempotency-key': 'p1' }, body: { amountMinor: 10_000, currency: 'GBP' } });
    expect(top.status, top.text).toBe(201);
    const bundle = await h.call('POST', `/v1/staff/tenants/${a.id}/minute-bundles`, { token: admin, headers: { 'idempotency-key': 'b1' }, body: { prefixes: ['44'], seconds: 600, priceMinor: 100 } });
    expect(bundle.status, bundle.text).toBe(201);
    const user = await h.call('POST', `/v1/staff/tenants/${a.id}/users`, { token: admin, body: { email: 'owner@a.test', displayName: 'Ann Owner', role: 'owner', password: 'workspace password 1' } });
    expect(user.status, user.text).toBe(201);
    userId = user.body.id;
    // A TOTP seed as the (not yet enrollable) column holds it: it must not leave in an export.
    await h.api.pool.query(`UPDATE tenant_users SET totp_secret_enc = $2 WHERE id = $1`, [userId, totpSecret]);
    const sip = await h.call('POST', '/v1/sip-users', { token: a.key, body: { username: 'alice', password: sipPassword } });
    expect(sip.status, sip.text).toBe(201);
    const num = await h.call('POST', '/v1/staff/numbers', { token: admin, body: { e164: '+442079990101', country: 'GB', type: 'local', monthlyPriceMinor: 100, currency: 'GBP' } });
    numberId = num.body.id;
    const sub = await h.call('POST', '/v1/number-subscriptions', { token: a.key, body: { numberId, period: 'month', routing: { kind: 'sip_users', sipUserIds: [sip.body.id] } } });
    expect(sub.status, sub.text).toBe(201);
    subscriptionId = sub.body.id;
    await h.call('POST', '/v1/blocked-prefixes', { token: a.key, body: { prefix: '4490' } });
    for (const [tenant, callId] of [[a.id, 'a-call-1'], [b.id, 'b-call-1']] as const) {
      await h.api.pool.query(
        `INSERT INTO cdrs (call_id, tenant_id, direction, calling_number, called_number, disposition, started_at, billable_sec, price_minor, currency, rating)
         VALUES ($1, $2, 'outbound', '+442079990101', '+33123456789', 'answered', $3, 60, 12, 'GBP', '{"prefix":"3312"}')`,
        [callId, tenant, new Date(T0 - 3600_000)],
      );
      // One SMS each (switch/sms writes these): a's sent by alice, so the erasure must unlink her before deleting her.
      await h.api.pool.query(
        `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, sip_user_id, from_number, to_number, body, status, sip_status, price_minor, currency, ledger_key, occurred_at)
         VALUES ($1, 'outbound', $2, 1, $3, '+442079990101', '+33612345678', $4, 'sent', 200, 5, 'GBP', $5, $6)`,
        [tenant, `${callId}-sms@192.0.2.7`, tenant === a.id ? sip.body.id : null, `secret plans of ${callId}, "quoted"`, `sms:${callId}:debit`, new Date(T0 - 1800_000)],
      );
    }
  });
  afterAll(() => h.close());

  it('export: a zip with JSON and CSV per data set, no password hash, HA1, TOTP seed or key hash anywhere; logged and audited', async () => {
    const r = await exportZip(h, '/v1/privacy/exports', a.key);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/zip');
    expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const files = await unzip(r.body);
    for (const d of DATASETS) {
      expect(files.has(`${d}.json`), d).toBe(true);
      expect(files.has(`${d}.csv`), d).toBe(true);
    }
    const json = (name: string) => JSON.parse(files.get(name)!.toString('utf8'));
    expect(json('manifest.json')).toMatchObject({ format: 'softswitch-privacy-export', tenantId: a.id, requestId: r.requestId });
    expect(json('tenant.json')).toMatchObject({ id: a.id, sip_realm: a.realm });
    expect(json('users.json')).toEqual([expect.objectContaining({ id: userId, email: 'owner@a.test', display_name: 'Ann Owner', totp_enrolled: true })]);
    expect(json('sip_users.json')).toEqual([expect.objectContaining({ username: 'alice', realm: a.realm })]);
    expect(json('number_subscriptions.json')).toEqual([expect.objectContaining({ id: subscriptionId, e164: '+442079990101', routing_kind: 'sip_users' })]);
    expect(json('cdrs.json').map((c: { call_id: string }) => c.call_id)).toEqual(['a-call-1']);
    expect(json('ledger.json').map((e: { amount_minor: number }) => e.amount_minor)).toEqual(expect.arrayContaining([10_000, -100]));
    expect(json('minute_bundles.json')).toHaveLength(1);
    expect(json('recordings.json')).toEqual([]);
    expect(files.get('cdrs.csv')!.toString('utf8').split('\r\n')[1]).toContain('a-call-1');
    expect(json('sms_messages.json')).toEqual([expect.objectContaining({
      direction: 'outbound', status: 'sent', from_number: '+442079990101', to_number: '+33612345678', body: 'secret plans of a-call-1, "quoted"', price_minor: 5, currency: 'GBP', sip_call_id: 'a-call-1-sms@192.0.2.7',
    })]);
    expect(json('sms_messages.json')[0]).not.toHaveProperty('ledger_key');
    expect(files.get('sms_messages.csv')!.toString('utf8')).toMatch(/^id,direction,status,from_number,to_number,content_type,body,.*\r\n.*,outbound,sent,\+442079990101,\+33612345678,text\/plain,"secret plans of a-call-1, ""quoted""",/);
    expect(files.get('users.csv')!.toString('utf8')).toMatch(/^id,email,display_name,role,status,totp_enrolled,created_at,updated_at\r\n/);

    // Secrets, as stored, appear in no file.
    const stored = (await h.api.pool.query(`SELECT password_hash FROM tenant_users WHERE id = $1`, [userId])).rows[0].password_hash as string;
    const ha1 = (await h.api.pool.query(`SELECT ha1_md5, ha1_sha256 FROM sip_users WHERE tenant_id = $1`, [a.id])).rows[0];
    const keyHashes = (await h.api.pool.query(`SELECT encode(key_hash, 'hex') AS h, encode(key_hash, 'base64') AS b FROM api_keys WHERE tenant_id = $1`, [a.id])).rows;
    expect(ha1.ha1_md5).toBe(createHash('md5').update(`alice:${a.realm}:${sipPassword}`).digest('hex'));
    const forbidden = [stored, '$argon2', ha1.ha1_md5, ha1.ha1_sha256, totpSecret.toString('hex'), totpSecret.toString('base64'), sipPassword, a.key, ...keyHashes.flatMap((k: { h: string; b: string }) => [k.h, k.b]), 'password_hash', 'ha1_', 'totp_secret', 'key_hash', 'b-call-1', b.id, 'sms:a-call-1:debit'];
    for (const [name, bytes] of files) {
      const text = bytes.toString('utf8');
      for (const s of forbidden) expect(text.includes(s), `${name} contains ${s.slice(0, 12)}…`).toBe(false);
    }

    const logged = await h.call('GET', `/v1/privacy/requests/${r.requestId}`, { token: a.key });
    expect(logged.status).toBe(200);
    expect(logged.body).toMatchObject({ kind: 'export', status: 'completed', requesterKind: 'api_key', details: { bytes: r.body.length, sha256: createHash('sha256').update(r.body).digest('hex') } });
    expect(logged.body.details.counts).toMatchObject({ cdrs: 1, sms_messages: 1, users: 1, sip_users: 1, recordings: 0 });
    const audit = await h.call('GET', `/v1/staff/audit-log?tenantId=${a.id}&action=privacy.export`, { token: admin });
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'privacy.export', actorKind: 'api_key', targetId: r.requestId })]);
  });

  it('staff export of a workspace; unknown workspace is 404; another tenant\'s request ids are 404', async () => {
    const r = await exportZip(h, `/v1/staff/tenants/${a.id}/privacy/exports`, admin);
    expect(r.status).toBe(200);
    const files = await unzip(r.body);
    expect(JSON.parse(files.get('tenant.json')!.toString('utf8')).id).toBe(a.id);
    const staffLog = await h.call('GET', `/v1/staff/privacy/requests/${r.requestId}`, { token: admin });
    expect(staffLog.body).toMatchObject({ tenantId: a.id, requesterKind: 'staff', status: 'completed' });
    expect((await exportZip(h, '/v1/staff/tenants/00000000-0000-4000-8000-000000000000/privacy/exports', admin)).status).toBe(404);
    // A workspace user (portal login) may export too.
    const login = await h.call('POST', '/v1/login', { body: { workspaceId: a.id, email: 'owner@a.test', password: 'workspace password 1' } });
    expect(login.status, login.text).toBe(200);
    const byUser = await exportZip(h, '/v1/privacy/exports', login.body.token);
    expect(byUser.status).toBe(200);
    expect((await unzip(byUser.body)).has('cdrs.csv')).toBe(true);
    expect((await h.call('GET', `/v1/privacy/requests/${byUser.requestId}`, { token: a.key })).body).toMatchObject({ requesterKind: 'tenant_user', requesterId: userId, status: 'completed' });
    // Tenant B: A's request is not found, and B's list shows none of A's requests.
    expect((await h.call('GET', `/v1/privacy/requests/${r.requestId}`, { token: b.key })).status).toBe(404);
    const listB = await h.call('GET', '/v1/privacy/requests', { token: b.key });
    expect(listB.status).toBe(200);
    expect(listB.text).not.toContain(a.id);
    // B cannot erase A by naming A's id: the confirmation must be B's own id.
    const wrong = await h.call('POST', '/v1/privacy/erasures', { token: b.key, body: { confirmTenantId: a.id } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.confirmTenantId');
    expect((await h.call('GET', '/v1/tenant', { token: a.key })).body.status).toBe('active');
    expect((await h.call('POST', '/v1/staff/tenants/00000000-0000-4000-8000-000000000000/privacy/erasures', { token: admin, body: { confirmTenantId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(404);
  });

  it('correction: whitelisted fields only, applied, logged as a correction request and audited with before/after', async () => {
    const r = await h.call('POST', '/v1/privacy/corrections', { token: a.key, body: { tenant: { name: 'Ann Ltd' }, users: [{ id: userId, email: 'ann@a.test', displayName: 'Ann O.' }] } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.fields).toEqual(['tenant.name', `users.${userId}.displayName`, `users.${userId}.email`]);
    expect((await h.call('GET', '/v1/tenant', { token: a.key })).body.name).toBe('Ann Ltd');
    const users = await h.call('GET', `/v1/staff/tenants/${a.id}/users`, { token: admin });
    expect(users.body.items[0]).toMatchObject({ email: 'ann@a.test', displayName: 'Ann O.' });
    const logged = await h.call('GET', `/v1/privacy/requests/${r.body.requestId}`, { token: a.key });
    expect(logged.body).toMatchObject({ kind: 'correction', status: 'completed', details: { fields: r.body.fields } });
    const audit = await h.call('GET', `/v1/staff/audit-log?tenantId=${a.id}&action=privacy.correction`, { token: admin });
    expect(audit.body.items[0]).toMatchObject({ before: { 'tenant.name': expect.stringMatching(/^Tenant /) }, after: { 'tenant.name': 'Ann Ltd', [`users.${userId}.email`]: 'ann@a.test' } });
    // Not whitelisted, empty, or another tenant's user.
    expect((await h.call('POST', '/v1/privacy/corrections', { token: a.key, body: { tenant: { currency: 'EUR' } } })).body.errors[0].path).toBe('body.tenant.currency');
    expect((await h.call('POST', '/v1/privacy/corrections', { token: a.key, body: {} })).status).toBe(400);
    const bUser = await h.call('POST', `/v1/staff/tenants/${b.id}/users`, { token: admin, body: { email: 'b@b.test', displayName: 'B', role: 'owner', password: 'workspace password 2' } });
    const cross = await h.call('POST', '/v1/privacy/corrections', { token: a.key, body: { users: [{ id: bUser.body.id, displayName: 'hijack' }] } });
    expect(cross.status).toBe(404);
    expect((await h.call('GET', `/v1/staff/tenants/${b.id}/users`, { token: admin })).body.items[0].displayName).toBe('B');
  });

  it('erasure: personal data removed, billing data kept until closed_at + 12 months, CDR numbers masked; a second erasure is 409', async () => {
    const ledgerBefore = (await h.api.pool.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE tenant_id = $1`, [a.id])).rows[0].n as number;
    const balanceBefore = (await h.call('GET', '/v1/balance', { token: a.key })).body;
    const rec = await h.api.pool.query<{ id: string }>(
      `INSERT INTO recordings (tenant_id, call_id, started_at, duration_ms, storage_key, bytes, expires_at) VALUES ($1, 'a-rec-1', $2, 1000, $3, 10, $4) RETURNING id`,
      [a.id, new Date(h.clock.now() - 60_000), `${a.id}/a-rec-1.wav`, new Date(h.clock.now() + 20 * 86_400_000)],
    );
    const r = await h.call('POST', '/v1/privacy/erasures', { token: a.key, body: { confirmTenantId: a.id } });
    expect(r.status, r.text).toBe(200);
    const now = new Date(h.clock.now());
    // The recording expires at once: the next `recordings` retention run deletes audio and row.
    expect((await h.api.pool.query('SELECT expires_at FROM recordings WHERE id = $1', [rec.rows[0]!.id])).rows[0]).toEqual({ expires_at: now });
    const hold = new Date(now);
    hold.setUTCFullYear(hold.getUTCFullYear() + 1);
    expect(r.body).toMatchObject({ tenantId: a.id, status: 'completed', closedAt: now.toISOString(), erasedAt: now.toISOString(), legalHoldUntil: hold.toISOString() });
    expect(r.body.removed).toEqual({ users: 1, apiKeys: 1, sipUsers: 1, blockedPrefixes: 1, numbersQuarantined: 1, subscriptionsEnded: 1, subscriptionRoutingCleared: 1, cdrsAnonymised: 1, smsAnonymised: 1, recordingsExpired: 1, diagnosticFlagsRemoved: 0 });
    expect(r.body.kept.find((k: { data: string }) => k.data.startsWith('ledger'))).toMatchObject({ until: hold.toISOString() });
    // The SMS's billing facts stay until the 6-month SMS rule deletes the row (before the hold ends).
    const smsUntil = new Date(T0 - 1800_000);
    smsUntil.setUTCMonth(smsUntil.getUTCMonth() + 6);
    expect(r.body.kept.find((k: { data: string }) => k.data.startsWith('SMS'))).toMatchObject({ until: smsUntil.toISOString() });

    const q = async (sql: string) => (await h.api.pool.query(sql, [a.id])).rows;
    expect(await q(`SELECT status, closed_at, erased_at, legal_hold_until FROM tenants WHERE id = $1`)).toEqual([{ status: 'closed', closed_at: now, erased_at: now, legal_hold_until: hold }]);
    for (const table of ['tenant_users', 'api_keys', 'sip_users', 'blocked_prefixes']) expect(await q(`SELECT id FROM ${table} WHERE tenant_id = $1`), table).toEqual([]);
    expect(await q(`SELECT status, ended_at, routing_kind, routing_sip_user_ids FROM number_subscriptions WHERE tenant_id = $1`)).toEqual([{ status: 'released', ended_at: now, routing_kind: null, routing_sip_user_ids: null }]);
    const number = (await h.api.pool.query(`SELECT status, quarantine_until FROM numbers WHERE id = $1`, [numberId])).rows[0];
    expect(number).toEqual({ status: 'quarantine', quarantine_until: new Date(now.getTime() + 30 * 86_400_000) });
    expect(await q(`SELECT call_id, calling_number, called_number, price_minor FROM cdrs WHERE tenant_id = $1`)).toEqual([{ call_id: 'a-call-1', calling_number: '+44xxxxxxxxxx', called_number: '+3312xxxxxxx', price_minor: 12 }]);
    const sms = await q(`SELECT id, sip_call_id, sip_user_id, from_number, to_number, body, status, price_minor, currency, ledger_key, occurred_at FROM sms_messages WHERE tenant_id = $1`);
    expect(sms).toEqual([{
      id: expect.any(String), sip_call_id: `erased:${sms[0].id}`, sip_user_id: null, from_number: '+44xxxxxxxxxx', to_number: '+33xxxxxxxxx', body: '', status: 'sent',
      price_minor: 5, currency: 'GBP', ledger_key: 'sms:a-call-1:debit', occurred_at: new Date(T0 - 1800_000),
    }]);
    // Billing data stays: ledger rows, balance and bundles.
    expect((await q(`SELECT count(*)::int AS n FROM ledger_entries WHERE tenant_id = $1`))[0].n).toBe(ledgerBefore);
    expect((await q(`SELECT balance_minor FROM tenant_balances WHERE tenant_id = $1`))[0].balance_minor).toBe(balanceBefore.balanceMinor);
    expect((await q(`SELECT count(*)::int AS n FROM minute_bundles WHERE tenant_id = $1`))[0].n).toBe(1);
    // Tenant B is untouched.
    expect((await h.call('GET', '/v1/cdrs', { token: b.key })).body.items[0]).toMatchObject({ callId: 'b-call-1', calledNumber: '+33123456789' });
    expect((await h.call('GET', '/v1/sms', { token: b.key })).body.items[0]).toMatchObject({ to: '+33612345678', body: 'secret plans of b-call-1, "quoted"' });

    // The erased workspace's key is gone; staff repeating the erasure get a clear 409, and the refusal is logged.
    expect((await h.call('GET', '/v1/tenant', { token: a.key })).status).toBe(401);
    h.clock.advance(1000);
    const again = await h.call('POST', `/v1/staff/tenants/${a.id}/privacy/erasures`, { token: admin, body: { confirmTenantId: a.id } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('API_TENANT_ERASED');
    expect(again.body.detail).toContain(hold.toISOString());
    const log = await h.call('GET', `/v1/staff/privacy/requests?tenantId=${a.id}&kind=erasure`, { token: admin });
    expect(log.body.items.map((i: { status: string }) => i.status)).toEqual(['refused', 'completed']);
    expect(log.body.items[1].details.legalHoldUntil).toBe(hold.toISOString());
    const audit = await h.call('GET', `/v1/staff/audit-log?tenantId=${a.id}&action=privacy.erasure`, { token: admin });
    expect(audit.body.items.map((i: { after: { status: string } }) => i.after.status)).toEqual(['refused', 'completed']);

    // What remains is still exportable by staff, without the erased people.
    const after = await unzip((await exportZip(h, `/v1/staff/tenants/${a.id}/privacy/exports`, admin)).body);
    expect(JSON.parse(after.get('users.json')!.toString('utf8'))).toEqual([]);
    expect(JSON.parse(after.get('cdrs.json')!.toString('utf8'))[0].calling_number).toBe('+44xxxxxxxxxx');
    expect(JSON.parse(after.get('sms_messages.json')!.toString('utf8'))[0]).toMatchObject({ body: '', to_number: '+33xxxxxxxxx' });
    expect(JSON.parse(after.get('tenant.json')!.toString('utf8'))).toMatchObject({ status: 'closed', legal_hold_until: hold.toISOString() });
  });

  it('erasure of a workspace closed earlier keeps its closed_at: the legal hold runs from the closing, not from the erasure', async () => {
    const c = await h.tenant(admin);
    const closed = await h.call('PATCH', `/v1/staff/tenants/${c.id}`, { token: admin, body: { status: 'closed' } });
    expect(closed.status).toBe(200);
    const closedAt = new Date(closed.body.closedAt as string);
    h.clock.advance(10 * 86_400_000);
    admin = await h.staffToken('admin');
    const r = await h.call('POST', `/v1/staff/tenants/${c.id}/privacy/erasures`, { token: admin, body: { confirmTenantId: c.id } });
    expect(r.status, r.text).toBe(200);
    const hold = new Date(closedAt);
    hold.setUTCFullYear(hold.getUTCFullYear() + 1);
    expect(r.body).toMatchObject({ closedAt: closedAt.toISOString(), erasedAt: new Date(h.clock.now()).toISOString(), legalHoldUntil: hold.toISOString() });
    expect(r.body.removed.apiKeys).toBe(1);
    const logged = await h.call('GET', `/v1/staff/privacy/requests/${r.body.requestId}`, { token: admin });
    expect(logged.body).toMatchObject({ kind: 'erasure', status: 'completed', requesterKind: 'staff', details: { legalHoldUntil: hold.toISOString() } });
  });
});
