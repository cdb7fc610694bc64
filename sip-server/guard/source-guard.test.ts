import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { AllowList } from './allow-list.js';
import { BanList } from './ban-list.js';
import { SourceGuard, type SourceGuardOptions } from './source-guard.js';
import { sourceKey } from './source-key.js';

function guard(over: Partial<SourceGuardOptions> = {}): { g: SourceGuard; clock: SimulatedClock } {
  const clock = new SimulatedClock();
  const g = new SourceGuard({
    clock,
    maxRequests: 3,
    windowMs: 1_000,
    banMs: 10_000,
    allow: new AllowList([]),
    maxSources: 100,
    maxConnections: 0,
    maxConnectionsPerSource: 0,
    ...over,
  });
  return { g, clock };
}

describe('SourceGuard rate limit and ban list (pike-like)', () => {
  it('bans a source on the request after N in one window, drops it for the ban time, then forgets it', () => {
    const { g, clock } = guard({ windowMs: 60_000 });
    expect([1, 2, 3].map(() => g.admitRequest('192.0.2.1'))).toEqual(['accept', 'accept', 'accept']);
    expect(g.admitRequest('192.0.2.1')).toBe('drop');
    expect(g.acceptsFrom('192.0.2.1')).toBe(false);
    expect(g.acceptsFrom('192.0.2.2')).toBe(true);
    expect(g.stats).toMatchObject({ bannedSources: 1, bansTotal: 1 });
    clock.advance(9_999);
    expect(g.acceptsFrom('192.0.2.1')).toBe(false);
    clock.advance(1);
    expect(g.acceptsFrom('192.0.2.1')).toBe(true);
    expect(g.stats.bannedSources).toBe(0);
    // Counting starts afresh after the ban, even within a window.
    expect(g.admitRequest('192.0.2.1')).toBe('accept');
  });

  it('restarts the count in every window', () => {
    const { g, clock } = guard();
    for (let w = 0; w < 5; w++) {
      for (let i = 0; i < 3; i++) expect(g.admitRequest('192.0.2.1')).toBe('accept');
      clock.advance(1_000);
    }
    expect(g.stats.bansTotal).toBe(0);
  });

  it('never counts allowlisted sources (addresses, CIDR ranges, IPv4-mapped IPv6)', () => {
    const { g } = guard({ allow: AllowList.parse('127.0.0.0/8, 2001:db8::/32 198.51.100.7') });
    for (const a of ['127.0.0.1', '::ffff:127.0.0.9', '2001:db8::1', '198.51.100.7']) {
      for (let i = 0; i < 10; i++) expect(g.admitRequest(a)).toBe('accept');
    }
    expect(g.stats.bansTotal).toBe(0);
    expect(g.admitRequest('198.51.100.8')).toBe('accept');
  });

  it('counts an IPv6 host by its /64 and an IPv4-mapped address as IPv4', () => {
    const { g } = guard();
    ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2:ffff::1'].forEach((a) => expect(g.admitRequest(a)).toBe('accept'));
    expect(g.admitRequest('2001:db8:1:2:0:0:0:c')).toBe('drop');
    expect(g.acceptsFrom('2001:db8:1:2::99')).toBe(false);
    expect(g.acceptsFrom('2001:db8:1:3::1')).toBe(true);
    expect([sourceKey('::ffff:192.0.2.1'), sourceKey('2001:DB8::1'), sourceKey('fe80::1%eth0'), sourceKey('::1'), sourceKey('bogus:')]).toEqual([
      '192.0.2.1',
      '2001:db8:0:0::/64',
      'fe80:0:0:0::/64',
      '0:0:0:0::/64',
      'bogus:',
    ]);
  });

  it('is off with maxRequests 0', () => {
    const { g } = guard({ maxRequests: 0 });
    for (let i = 0; i < 1_000; i++) expect(g.admitRequest('192.0.2.1')).toBe('accept');
  });

  it('answers overload (503) while the server is full, after the rate check', () => {
    let full = true;
    const { g } = guard({ overloaded: () => full });
    expect(g.admitRequest('192.0.2.1')).toBe('overload');
    full = false;
    expect(g.admitRequest('192.0.2.1')).toBe('accept');
  });

  it('keeps its tables bounded under a flood from many (spoofed) sources', () => {
    const addr = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    // Under the rate: the per-window table stops at maxSources, the rest is not counted.
    const counted = guard({ maxSources: 50, maxRequests: 5 }).g;
    for (let i = 0; i < 10_000; i++) counted.admitRequest(addr(i));
    expect(counted.stats.untrackedTotal).toBe(10_000 - 50);
    // Over the rate: every source gets banned, the ban list stays at maxSources.
    const banning = guard({ maxSources: 50, maxRequests: 1 }).g;
    for (let i = 0; i < 10_000; i++) {
      banning.admitRequest(addr(i));
      expect(banning.admitRequest(addr(i))).toBe('drop');
    }
    expect(banning.stats).toMatchObject({ bannedSources: 50, bansTotal: 10_000, bansEvictedTotal: 10_000 - 50 });
  });

  it('matches IPv4 ranges on integers and stays right past its answer cache', () => {
    const allow = AllowList.parse('10.1.0.0/16 0.0.0.0/32 fd00::/8');
    for (let i = 0; i < 10_000; i++) {
      expect(allow.has(`10.1.${(i >> 8) & 255}.${i & 255}`)).toBe(true);
      expect(allow.has(`10.2.${(i >> 8) & 255}.${i & 255}`)).toBe(false);
    }
    expect([allow.has('fd00::1'), allow.has('fe80::1'), allow.has('::ffff:10.1.2.3'), allow.has('not-an-ip')]).toEqual([true, false, true, false]);
  });

  it('rejects bad allowlist entries', () => {
    expect(() => AllowList.parse('127.0.0.1/33')).toThrow(/prefix/);
    expect(() => AllowList.parse('example.com')).toThrow(/IP address/);
  });
});

describe('BanList', () => {
  it('drops the ban ending first when full, and sweeps expired bans from the front', () => {
    const clock = new SimulatedClock();
    const bans = new BanList(clock, 1_000, 2);
    bans.add('a');
    clock.advance(10);
    bans.add('b');
    clock.advance(10);
    bans.add('c');
    expect([bans.has('a'), bans.has('b'), bans.has('c')]).toEqual([false, true, true]);
    expect(bans.evictedTotal).toBe(1);
    clock.advance(995);
    bans.sweep();
    expect(bans.size).toBe(1);
  });
});

describe('SourceGuard connection caps', () => {
  it('caps connections per source and in total, refuses banned sources, and frees slots on close', () => {
    const { g } = guard({ maxConnections: 3, maxConnectionsPerSource: 2, allow: new AllowList(['192.0.2.9']) });
    expect(g.admitConnection('192.0.2.1')).toBe('accept');
    expect(g.admitConnection('192.0.2.1')).toBe('accept');
    expect(g.admitConnection('192.0.2.1')).toBe('per-source');
    expect(g.admitConnection('192.0.2.9')).toBe('accept');
    expect(g.admitConnection('192.0.2.2')).toBe('total');
    g.connectionClosed('192.0.2.1');
    expect(g.admitConnection('192.0.2.2')).toBe('accept');
    for (let i = 0; i < 4; i++) g.admitRequest('192.0.2.5');
    expect(g.admitConnection('192.0.2.5')).toBe('banned');
    expect(g.stats.connectionsRefusedTotal).toEqual({ banned: 1, 'per-source': 1, total: 1 });
    expect(g.stats.connections).toBe(3);
  });

  it('lets an allowlisted source past the per-source cap but not the total', () => {
    const { g } = guard({ maxConnections: 3, maxConnectionsPerSource: 1, allow: new AllowList(['127.0.0.1']) });
    expect([1, 2, 3, 4].map(() => g.admitConnection('127.0.0.1'))).toEqual(['accept', 'accept', 'accept', 'total']);
  });
});
