import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { SipHeaders, type SipResponse } from '#sip-server/message/index.js';
import { listsRel100, parseRAck, parseRSeq } from './rel100.js';
import { UasReliableProvisionals } from './reliable-provisionals.js';

const ringing = (status = 180): SipResponse => ({ kind: 'response', status, reason: 'Ringing', headers: new SipHeaders(), body: Buffer.alloc(0) });

function machine(reliableTransport = false) {
  const clock = new SimulatedClock();
  const sent: { status: number; rseq: string | undefined; atMs: number }[] = [];
  let timeouts = 0;
  const start = clock.now();
  const m = new UasReliableProvisionals({
    clock,
    t1Ms: 500,
    reliableTransport,
    firstRSeq: 7,
    inviteSeq: 314,
    send: (r) => sent.push({ status: r.status, rseq: r.headers.get('rseq'), atMs: clock.now() - start }),
    onTimeout: () => timeouts++,
  });
  return { clock, sent, m, timeouts: () => timeouts };
}

describe('RSeq / RAck values (RFC 3262 §7.1, §7.2)', () => {
  it('parses RSeq within 1..2^32-1 and refuses the rest', () => {
    expect(parseRSeq(' 42 ')).toBe(42);
    expect(parseRSeq('4294967295')).toBe(4294967295);
    for (const bad of [undefined, '', '0', '-1', '4294967296', '1.5', '12a']) expect(parseRSeq(bad)).toBeUndefined();
  });

  it('parses RAck as response-num, CSeq-num and method', () => {
    expect(parseRAck('776656 1 INVITE')).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(parseRAck('  5\t 2   invite ')).toEqual({ rseq: 5, cseq: 2, method: 'INVITE' });
    for (const bad of [undefined, '', '5 2', '5 2 INVITE x', '0 2 INVITE', '5 x INVITE', '5 2 IN<VITE']) expect(parseRAck(bad)).toBeUndefined();
  });

  it('finds the 100rel option tag in Supported/Require lists', () => {
    expect(listsRel100(['timer, 100rel'])).toBe(true);
    expect(listsRel100(['replaces', '100REL'])).toBe(true);
    expect(listsRel100(['timer', '100relx'])).toBe(false);
    expect(listsRel100([])).toBe(false);
  });
});

describe('UasReliableProvisionals (RFC 3262 §3)', () => {
  it('numbers 1xx from the first RSeq and retransmits at T1, 2T1, 4T1 … until the matching PRACK', () => {
    const { clock, sent, m } = machine();
    expect(m.offer(ringing())).toBe(7);
    clock.advance(500);
    clock.advance(1000);
    clock.advance(2000);
    expect(sent.map((s) => [s.rseq, s.atMs])).toEqual([['7', 0], ['7', 500], ['7', 1500], ['7', 3500]]);
    // RAck must name this RSeq, the INVITE's CSeq number and INVITE.
    expect(m.prack({ rseq: 6, cseq: 314, method: 'INVITE' })).toBe('no-match');
    expect(m.prack({ rseq: 7, cseq: 315, method: 'INVITE' })).toBe('no-match');
    expect(m.prack({ rseq: 7, cseq: 314, method: 'UPDATE' })).toBe('no-match');
    expect(m.prack(undefined)).toBe('no-match');
    expect(m.prack({ rseq: 7, cseq: 314, method: 'INVITE' })).toBe('acknowledged');
    expect(m.state).toBe('idle');
    clock.advance(60_000);
    expect(sent).toHaveLength(4);
    // A second PRACK for the same 1xx matches nothing any more.
    expect(m.prack({ rseq: 7, cseq: 314, method: 'INVITE' })).toBe('no-match');
  });

  it('holds a second reliable 1xx until the first is acknowledged, then sends it with the next RSeq', () => {
    const { sent, m } = machine();
    m.offer(ringing(180));
    expect(m.offer(ringing(183))).toBe(8);
    expect(sent.map((s) => s.status)).toEqual([180]);
    expect(m.unacknowledged).toBe(7);
    m.prack({ rseq: 7, cseq: 314, method: 'INVITE' });
    expect(sent.map((s) => [s.status, s.rseq])).toEqual([[180, '7'], [183, '8']]);
    expect(m.unacknowledged).toBe(8);
  });

  it('gives up after 64*T1 without PRACK and reports the timeout once', () => {
    const { clock, sent, m, timeouts } = machine();
    m.offer(ringing());
    clock.advance(64 * 500);
    expect(timeouts()).toBe(1);
    expect(m.state).toBe('stopped');
    // T1, 2T1 … 16T1 fit in 64*T1 (0.5+1+2+4+8+16 = 31.5 s), the next would be at 63.5 s.
    expect(sent.map((s) => s.atMs)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    clock.advance(100_000);
    expect(timeouts()).toBe(1);
  });

  it('does not retransmit on a reliable transport but still times out', () => {
    const { clock, sent, m, timeouts } = machine(true);
    m.offer(ringing());
    clock.advance(31_999);
    expect(sent).toHaveLength(1);
    expect(timeouts()).toBe(0);
    clock.advance(1);
    expect(timeouts()).toBe(1);
  });

  it('stops everything when the final response goes out, and refuses a reliable 1xx after it', () => {
    const { clock, sent, m, timeouts } = machine();
    m.offer(ringing(180));
    m.offer(ringing(183));
    m.stop();
    clock.advance(100_000);
    expect(sent).toHaveLength(1);
    expect(timeouts()).toBe(0);
    expect(() => m.offer(ringing())).toThrow(/reliable 1xx after the final response/);
  });
});
