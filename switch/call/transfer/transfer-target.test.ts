import { describe, expect, it } from 'vitest';
import type { DirectoryReader } from '../../directory/cached-directory.js';
import type { DidFacts, SipUserFacts, TenantFacts } from '../../directory/directory.js';
import { resolveTransferTarget } from './transfer-target.js';

const tenant = (tenantId: string, realm: string): TenantFacts => ({
  tenantId,
  status: 'active',
  country: 'GB',
  currency: 'EUR',
  realm,
  plainRtpPolicy: 'reject',
  maxConcurrentCalls: 5,
  maxCps: 10,
  recordingEnabled: false,
  recordingRetentionDays: 30,
  expiresAtMs: undefined,
});
const acme = tenant('t-acme', 'acme.sip.test');
const other = tenant('t-other', 'other.sip.test');
const user = (username: string, t: TenantFacts, enabled = true): SipUserFacts => ({ sipUserId: `u-${username}`, username, ha1Md5: '', ha1Sha256: '', enabled, callerIdE164: undefined, tenant: t });
const did = (e164: string, t: TenantFacts, target: DidFacts['target']): DidFacts => ({ numberId: 'n', e164, subscriptionId: 's', expiresAtMs: 0, target, tenant: t, recordingEnabled: false });

const users = new Map([
  ['acme.sip.test/bob', user('bob', acme)],
  ['acme.sip.test/carol', user('carol', acme, false)],
  ['other.sip.test/dave', user('dave', other)],
]);
const dids = new Map([
  ['+442071234567', did('+442071234567', acme, { kind: 'sip_users', users: [{ username: 'bob', realm: 'acme.sip.test' }, { username: 'eve', realm: 'acme.sip.test' }] })],
  ['+442071234568', did('+442071234568', acme, { kind: 'forward', e164: '+442079460018' })],
  ['+442071239999', did('+442071239999', other, { kind: 'sip_users', users: [{ username: 'dave', realm: 'other.sip.test' }] })],
]);
const directory = {
  sipUser: (realm: string, username: string) => Promise.resolve(users.get(`${realm}/${username}`)),
  did: (e164: string) => Promise.resolve(dids.get(e164)),
} as unknown as DirectoryReader;

const resolve = (referTo: string | undefined) => resolveTransferTarget(directory, acme, referTo, 0);

describe('transfer target (RFC 3515 Refer-To within the tenant)', () => {
  it('accepts a SIP user of the tenant, in name-addr or bare form', async () => {
    expect(await resolve('<sip:bob@acme.sip.test>')).toEqual({ ok: true, target: { usernames: ['bob'], display: 'bob' } });
    expect(await resolve('sip:bob@ACME.sip.test')).toEqual({ ok: true, target: { usernames: ['bob'], display: 'bob' } });
  });

  it('accepts a number the tenant owns that rings its users, dialled as the tenant dials', async () => {
    expect(await resolve('<sip:02071234567@acme.sip.test>')).toEqual({ ok: true, target: { usernames: ['bob', 'eve'], display: '+442071234567' } });
  });

  it('refuses users and numbers of other tenants, disabled users, numbers not ringing users, and PSTN numbers', async () => {
    for (const referTo of ['<sip:dave@other.sip.test>', '<sip:bob@other.sip.test>', '<sip:carol@acme.sip.test>', '<sip:+442071239999@acme.sip.test>', '<sip:02071234568@acme.sip.test>', '<sip:+33123456789@acme.sip.test>']) {
      expect(await resolve(referTo), referTo).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('answers 400 when Refer-To is missing or has no user', async () => {
    expect(await resolve(undefined)).toMatchObject({ ok: false, status: 400 });
    expect(await resolve('<sip:acme.sip.test>')).toMatchObject({ ok: false, status: 400 });
  });
});
