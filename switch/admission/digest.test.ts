import { describe, expect, it } from 'vitest';
import { buildChallenges, computeHa1, expectedResponse, hashHex, NonceSigner, parseCredentials, verifyDigest, type DigestAlgorithm } from './digest.js';

describe('digest authentication', () => {
  it('matches the RFC 2617 §3.5 worked example (MD5, qop=auth)', () => {
    const ha1 = computeHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const creds = parseCredentials(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(creds).toBeDefined();
    expect(expectedResponse(creds!, 'GET', ha1)).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('matches the RFC 7616 §3.9.1 SHA-256 example', () => {
    const ha1 = computeHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life');
    const creds = parseCredentials(
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    expect(expectedResponse(creds!, 'GET', ha1)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('offers SHA-256 before MD5 and verifies both against stored HA1s', async () => {
    const nonces = new NonceSigner('a-secret-for-tests-only', 60_000);
    const realm = 'acme.sip.example';
    const nonce = nonces.issue(realm, 1_000_000);
    expect(buildChallenges(realm, nonce)[0]).toContain('algorithm=SHA-256');
    const store: Record<DigestAlgorithm, string> = { 'SHA-256': computeHa1('SHA-256', 'alice', realm, 'pw'), MD5: computeHa1('MD5', 'alice', realm, 'pw') };
    for (const algorithm of ['SHA-256', 'MD5'] as const) {
      const uri = `sip:${realm}`;
      const response = hashHex(algorithm, `${store[algorithm]}:${nonce}:00000001:abc:auth:${hashHex(algorithm, `REGISTER:${uri}`)}`);
      const header = `Digest username="alice", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=00000001, cnonce="abc", response="${response}"`;
      const lookupHa1 = (u: string, a: DigestAlgorithm) => Promise.resolve(u === 'alice' ? store[a] : undefined);
      expect(await verifyDigest({ header, method: 'REGISTER', realm, nonces, nowMs: 1_010_000, lookupHa1 })).toEqual({ ok: true, username: 'alice' });
      expect(await verifyDigest({ header, method: 'INVITE', realm, nonces, nowMs: 1_010_000, lookupHa1 })).toEqual({ ok: false, reason: 'bad_response' });
      expect(await verifyDigest({ header, method: 'REGISTER', realm, nonces, nowMs: 1_070_001, lookupHa1 })).toEqual({ ok: false, reason: 'stale_nonce' });
      expect(await verifyDigest({ header: header.replace('"alice"', '"bob"'), method: 'REGISTER', realm, nonces, nowMs: 1_010_000, lookupHa1 })).toEqual({ ok: false, reason: 'unknown_user' });
    }
  });

  it('refuses forged and foreign nonces, other realms and malformed headers', async () => {
    const nonces = new NonceSigner('secret-one-for-tests');
    const other = new NonceSigner('secret-two-for-tests');
    const realm = 'r.example';
    const lookupHa1 = () => Promise.resolve('x');
    const header = (nonce: string, r = realm) => `Digest username="a", realm="${r}", nonce="${nonce}", uri="sip:r", response="00"`;
    const base = { method: 'REGISTER', realm, nonces, nowMs: 5_000, lookupHa1 };
    expect(await verifyDigest({ ...base, header: header(other.issue(realm, 5_000)) })).toEqual({ ok: false, reason: 'bad_nonce' });
    expect(await verifyDigest({ ...base, header: header(nonces.issue(realm, 5_000), 'evil.example') })).toEqual({ ok: false, reason: 'wrong_realm' });
    expect(await verifyDigest({ ...base, header: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' })).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyDigest({ ...base, header: undefined })).toEqual({ ok: false, reason: 'missing' });
  });
});
