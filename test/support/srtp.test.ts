import { describe, expect, it } from 'vitest';
import { deriveSrtpKeys, protectRtp, unprotectRtp } from './srtp.js';

describe('test SRTP helper', () => {
  it('derives the RFC 3711 Appendix B.3 session keys', () => {
    const keys = deriveSrtpKeys(Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex'), Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex'));
    expect(keys.cipherKey.toString('hex').toUpperCase()).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(keys.cipherSalt.toString('hex').toUpperCase()).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(keys.authKey.toString('hex').toUpperCase()).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });

  it('round-trips a packet and rejects a tampered one', () => {
    const keys = deriveSrtpKeys(Buffer.alloc(16, 1), Buffer.alloc(14, 2));
    const rtp = Buffer.concat([Buffer.from([0x80, 0, 0, 7, 0, 0, 0, 160, 1, 2, 3, 4]), Buffer.alloc(160, 0x55)]);
    const srtp = protectRtp(keys, rtp);
    expect(srtp.length).toBe(rtp.length + 10);
    expect(srtp.subarray(12, 172).equals(rtp.subarray(12))).toBe(false);
    expect(unprotectRtp(keys, srtp)?.equals(rtp)).toBe(true);
    srtp[20] = (srtp[20] ?? 0) ^ 1;
    expect(unprotectRtp(keys, srtp)).toBeUndefined();
  });
});
