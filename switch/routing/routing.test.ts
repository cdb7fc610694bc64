import { describe, expect, it } from 'vitest';
import { shouldFailover } from './failover-policy.js';
import { orderGateways, type RouteCandidate } from './least-cost-routing.js';
import { isE164, normalizeDialled } from './normalize-number.js';

describe('normalizeDialled', () => {
  it('turns national, international-prefix and + forms into E.164', () => {
    expect(normalizeDialled('020 7946 0018', 'GB')).toEqual({ ok: true, e164: '+442079460018' });
    expect(normalizeDialled('00442079460018', 'GB')).toEqual({ ok: true, e164: '+442079460018' });
    expect(normalizeDialled('+33 1 23 45 67 89', 'DE')).toEqual({ ok: true, e164: '+33123456789' });
    expect(normalizeDialled('011 33 1 23 45 67 89', 'US')).toEqual({ ok: true, e164: '+33123456789' });
    expect(normalizeDialled('2025550143', 'US')).toEqual({ ok: true, e164: '+12025550143' });
    expect(normalizeDialled('%2B4930123456', 'DE')).toEqual({ ok: true, e164: '+4930123456' });
  });

  it('refuses what is not a number', () => {
    expect(normalizeDialled('', 'GB')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizeDialled('alice', 'GB')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(normalizeDialled('12', 'GB')).toEqual({ ok: false, reason: 'impossible_number' });
  });

  it('checks E.164 form', () => {
    expect(isE164('+442079460018')).toBe(true);
    expect(isE164('442079460018')).toBe(false);
    expect(isE164('+0123')).toBe(false);
    expect(isE164('+1234567890123456')).toBe(false);
  });
});

describe('shouldFailover', () => {
  it('fails over on 408, 5xx, 6xx except 600/603, timeouts and transport errors', () => {
    for (const status of [408, 500, 502, 503, 504, 580, 604, 606]) expect(shouldFailover({ kind: 'status', status })).toBe(true);
    expect(shouldFailover({ kind: 'timeout' })).toBe(true);
    expect(shouldFailover({ kind: 'transport_error' })).toBe(true);
  });

  it('never fails over on busy or decline, nor on other 4xx', () => {
    for (const status of [486, 600, 603, 404, 480, 484, 487, 403]) expect(shouldFailover({ kind: 'status', status })).toBe(false);
  });
});

describe('orderGateways', () => {
  const gw = (id: string, routePrefix: string, cost: number | undefined, priority = 1, weight = 1, enabled = true): RouteCandidate => ({
    gatewayId: id,
    carrierId: `c-${id}`,
    routePrefix,
    priority,
    weight,
    costMicrosPerMin: cost,
    enabled,
  });

  it('uses only the longest matching prefix, cheapest first, then priority', () => {
    const order = orderGateways(
      '+442079460018',
      [gw('any', '', 1), gw('uk', '44', 9_000, 2), gw('london-b', '4420', 12_000, 1), gw('london-a', '4420', 10_000, 5), gw('london-c', '4420', 10_000, 1), gw('fr', '33', 1)],
      () => 0,
    );
    expect(order.map((c) => c.gatewayId)).toEqual(['london-c', 'london-a', 'london-b']);
  });

  it('skips disabled gateways and carriers without a rate', () => {
    const order = orderGateways('+4930123', [gw('off', '49', 1, 1, 1, false), gw('norate', '49', undefined), gw('ok', '49', 5)], () => 0.5);
    expect(order.map((c) => c.gatewayId)).toEqual(['ok']);
    expect(orderGateways('+1202', [gw('de', '49', 1)], () => 0)).toEqual([]);
  });

  it('shares equal routes by weight', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const firsts = { a: 0, b: 0 };
    for (let i = 0; i < 4_000; i++) {
      const first = orderGateways('+4420', [gw('a', '44', 1, 1, 3), gw('b', '44', 1, 1, 1)], random)[0]?.gatewayId as 'a' | 'b';
      firsts[first]++;
    }
    expect(firsts.a / 4_000).toBeGreaterThan(0.7);
    expect(firsts.a / 4_000).toBeLessThan(0.8);
  });
});
