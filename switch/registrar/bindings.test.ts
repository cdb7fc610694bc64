import { describe, expect, it } from 'vitest';
import { applyRegister, liveBindings, type RegisterRequest } from './bindings.js';

const policy = { defaultExpiresSec: 3600, minExpiresSec: 60, maxExpiresSec: 7200, maxBindings: 3 };
const source = { transport: 'udp', host: '127.0.0.1', port: 5070 };
const req = (over: Partial<RegisterRequest>): RegisterRequest => ({ contacts: [{ uri: 'sip:a@127.0.0.1:5070' }], callId: 'c1', cseq: 1, source, ...over });

describe('applyRegister (RFC 3261 §10.3)', () => {
  it('adds, refreshes and removes bindings, capping expiry', () => {
    const first = applyRegister([], req({ expiresHeaderSec: 100_000 }), policy, 0);
    expect(first.ok && first.bindings.map((b) => b.expiresAtMs)).toEqual([7_200_000]);
    const two = applyRegister(first.ok ? first.bindings : [], req({ cseq: 2, contacts: [{ uri: 'sip:b@127.0.0.1:5080', expiresSec: 120 }] }), policy, 1000);
    expect(two.ok && two.bindings.length).toBe(2);
    const removed = applyRegister(two.ok ? two.bindings : [], req({ cseq: 3, contacts: [{ uri: 'sip:a@127.0.0.1:5070', expiresSec: 0 }] }), policy, 2000);
    expect(removed.ok && removed.bindings.map((b) => b.contact)).toEqual(['sip:b@127.0.0.1:5080']);
  });

  it('answers 423 with Min-Expires for a too-short interval', () => {
    expect(applyRegister([], req({ expiresHeaderSec: 30 }), policy, 0)).toEqual({ ok: false, status: 423, reason: 'Interval Too Brief', minExpiresSec: 60 });
  });

  it('refuses a replayed CSeq in the same Call-ID', () => {
    const first = applyRegister([], req({ cseq: 5 }), policy, 0);
    expect(applyRegister(first.ok ? first.bindings : [], req({ cseq: 5 }), policy, 10)).toMatchObject({ ok: false, status: 500 });
  });

  it('handles the wildcard only with Expires 0', () => {
    const first = applyRegister([], req({}), policy, 0);
    const bindings = first.ok ? first.bindings : [];
    expect(applyRegister(bindings, req({ contacts: '*', expiresHeaderSec: 3600, cseq: 2 }), policy, 10)).toMatchObject({ ok: false, status: 400 });
    expect(applyRegister(bindings, req({ contacts: '*', expiresHeaderSec: 0, cseq: 2 }), policy, 10)).toEqual({ ok: true, bindings: [] });
  });

  it('keys devices by +sip.instance, caps devices per user, and forgets expired bindings', () => {
    let b = applyRegister([], req({ contacts: [{ uri: 'sip:x@1.1.1.1', instanceId: '<urn:uuid:1>' }] }), policy, 0);
    b = applyRegister(b.ok ? b.bindings : [], req({ callId: 'c2', contacts: [{ uri: 'sip:x@2.2.2.2', instanceId: '<urn:uuid:1>' }] }), policy, 10);
    expect(b.ok && b.bindings.map((x) => x.contact)).toEqual(['sip:x@2.2.2.2']);
    const many = applyRegister([], req({ contacts: [1, 2, 3, 4].map((i) => ({ uri: `sip:d${i}@h` })) }), policy, 0);
    expect(many).toMatchObject({ ok: false, status: 403 });
    const short = applyRegister([], req({ expiresHeaderSec: 60 }), policy, 0);
    expect(liveBindings(short.ok ? short.bindings : [], 60_001)).toEqual([]);
  });
});
