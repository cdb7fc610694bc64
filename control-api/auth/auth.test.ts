import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { SeededIdSource } from '#lib/ids/index.js';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key.js';
import { currentTotp, digestHa1, generateTotpSecret, verifyTotp } from './credentials.js';
import { StaffTokens } from './staff-token.js';

describe('staff tokens', () => {
  it('verify until expiry and refuse tampering', () => {
    const clock = new SimulatedClock(1_700_000_000_000);
    const tokens = new StaffTokens({ secret: 'x'.repeat(32), clock, ttlSec: 60 });
    const { token } = tokens.issue('7a0c8f4e-2b1d-4c3e-9f5a-6b7c8d9e0f1a', 'noc');
    expect(tokens.verify(token)?.role).toBe('noc');
    const [p, body, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(tokens.verify(`${p}.${forged}.${sig}`)).toBeUndefined();
    expect(new StaffTokens({ secret: 'y'.repeat(32), clock, ttlSec: 60 }).verify(token)).toBeUndefined();
    clock.advance(60_000);
    expect(tokens.verify(token)).toBeUndefined();
  });
});

describe('api keys', () => {
  it('have a lookup prefix and a stable hash', () => {
    const { key, prefix, hash } = generateApiKey(new SeededIdSource(7));
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(hashApiKey(key).equals(hash)).toBe(true);
    expect(apiKeyPrefix('sk_nothex.abc')).toBeUndefined();
  });
});

describe('credentials', () => {
  it('TOTP codes verify at the clock time only', () => {
    const clock = new SimulatedClock(1_700_000_000_000);
    const secret = generateTotpSecret();
    const code = currentTotp(secret, clock);
    expect(verifyTotp(secret, code, clock)).toBe(true);
    clock.advance(5 * 60_000);
    expect(verifyTotp(secret, code, clock)).toBe(false);
    expect(verifyTotp(secret, 'abcdef', clock)).toBe(false);
  });

  it('HA1 matches RFC 2617 §3.5 example form', () => {
    // MD5("Mufasa:testrealm@host.com:Circle Of Life")
    expect(digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life').md5).toBe('939e7578ed9e3c518a452acee763bce9');
  });
});
