import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { parseMessage, type SipRequest } from '#sip-server/message/index.js';
import { AllowList } from './allow-list.js';
import { isKnownRequest, type KnownRequestLookups } from './known-request.js';
import { SourceGuard } from './source-guard.js';

function request(method: string, o: { callId?: string; toTag?: string; branch?: string } = {}): SipRequest {
  const text = [
    `${method} sip:bob@192.0.2.10 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${o.branch ?? 'z9hG4bKnew'}`,
    'Max-Forwards: 70',
    'From: <sip:carrier@192.0.2.1>;tag=theirs',
    `To: <sip:bob@192.0.2.10>${o.toTag === undefined ? '' : `;tag=${o.toTag}`}`,
    `Call-ID: ${o.callId ?? 'c1'}`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || r.message.kind !== 'request') throw new Error(`fixture did not parse: ${method}`);
  return r.message;
}

/** One dialog (c1, ours, theirs) and one live INVITE server transaction (branch z9hG4bKlive). */
const lookups: KnownRequestLookups = {
  hasDialog: (callId, toTag, fromTag) => callId === 'c1' && toTag === 'ours' && fromTag === 'theirs',
  hasInviteTransaction: (r) => r.headers.get('via')?.includes('branch=z9hG4bKlive') === true,
};

describe('isKnownRequest (what the rate limit leaves out)', () => {
  it('knows requests inside a live dialog (RFC 3261 §12.2.2) and ACK/CANCEL of a live INVITE transaction', () => {
    for (const m of ['ACK', 'BYE', 'INVITE', 'PRACK', 'UPDATE', 'INFO']) expect(isKnownRequest(request(m, { toTag: 'ours' }), lookups)).toBe(true);
    expect(isKnownRequest(request('CANCEL', { branch: 'z9hG4bKlive' }), lookups)).toBe(true);
    expect(isKnownRequest(request('ACK', { branch: 'z9hG4bKlive', toTag: 'non2xx' }), lookups)).toBe(true);
  });

  it('does not know new work, a made-up To tag, or a CANCEL/ACK matching nothing', () => {
    for (const m of ['INVITE', 'REGISTER', 'OPTIONS', 'MESSAGE', 'SUBSCRIBE']) expect(isKnownRequest(request(m), lookups)).toBe(false);
    expect(isKnownRequest(request('BYE', { toTag: 'fake' }), lookups)).toBe(false);
    expect(isKnownRequest(request('INVITE', { toTag: 'ours', callId: 'other' }), lookups)).toBe(false);
    expect(isKnownRequest(request('CANCEL'), lookups)).toBe(false);
    expect(isKnownRequest(request('ACK', { toTag: 'fake' }), lookups)).toBe(false);
    // An INVITE reusing a live INVITE's branch is a retransmission at most, never exempt by the branch alone.
    expect(isKnownRequest(request('INVITE', { branch: 'z9hG4bKlive' }), lookups)).toBe(false);
  });
});

describe('SourceGuard with known requests', () => {
  const guard = (): SourceGuard =>
    new SourceGuard({
      clock: new SimulatedClock(),
      maxRequests: 3,
      windowMs: 1_000,
      banMs: 10_000,
      allow: new AllowList([]),
      maxSources: 100,
      maxConnections: 0,
      maxConnectionsPerSource: 0,
      known: (r) => isKnownRequest(r, lookups),
    });

  it('never counts in-dialog requests: 3 new INVITEs plus 100 in-dialog requests in one window are fine', () => {
    const g = guard();
    for (let i = 0; i < 3; i++) expect(g.admitRequest('192.0.2.1', request('INVITE'))).toBe('accept');
    for (let i = 0; i < 100; i++) expect(g.admitRequest('192.0.2.1', request(i % 2 === 0 ? 'ACK' : 'BYE', { toTag: 'ours' }))).toBe('accept');
    expect(g.admitRequest('192.0.2.1', request('CANCEL', { branch: 'z9hG4bKlive' }))).toBe('accept');
    expect(g.stats.bansTotal).toBe(0);
    expect(g.admitRequest('192.0.2.1', request('INVITE'))).toBe('drop');
  });

  it('bans a flood of made-up To tags and of garbage', () => {
    const tags = guard();
    for (let i = 0; i < 3; i++) expect(tags.admitRequest('192.0.2.2', request('BYE', { toTag: `fake${i}` }))).toBe('accept');
    expect(tags.admitRequest('192.0.2.2', request('BYE', { toTag: 'fake3' }))).toBe('drop');
    const garbage = guard();
    for (let i = 0; i < 3; i++) expect(garbage.admitRequest('192.0.2.3', undefined)).toBe('accept');
    expect(garbage.admitRequest('192.0.2.3', undefined)).toBe('drop');
    expect(garbage.isBanned('192.0.2.3')).toBe(true);
  });
});
