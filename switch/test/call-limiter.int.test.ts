import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { SimulatedClock } from '#lib/clock/index.js';
import { createTestRedis } from '#test/support/redis.js';
import { CallLimiter } from '#switch/limits/call-limiter.js';

describe('CallLimiter against real Redis', () => {
  let env: Awaited<ReturnType<typeof createTestRedis>>;
  const clock = new SimulatedClock(Date.UTC(2026, 10, 25, 12));
  let limiter: CallLimiter;
  let registry: Registry;

  beforeAll(async () => {
    env = await createTestRedis();
    registry = new Registry();
    limiter = new CallLimiter({ redis: env.redis, clock, registry, holdMs: 60_000 });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('caps concurrent calls and frees a slot on release', async () => {
    const tenant = { kind: 'tenant', id: 't-conc' } as const;
    const limits = { maxConcurrent: 2, maxCps: 0 };
    expect(await limiter.acquire(tenant, 'c1', limits)).toEqual({ ok: true });
    expect(await limiter.acquire(tenant, 'c2', limits)).toEqual({ ok: true });
    expect(await limiter.acquire(tenant, 'c3', limits)).toEqual({ ok: false, limit: 'concurrent' });
    expect(await limiter.active(tenant)).toBe(2);
    await limiter.release(tenant, 'c1');
    expect(await limiter.acquire(tenant, 'c3', limits)).toEqual({ ok: true });
    expect(await registry.getSingleMetricAsString('switch_limit_rejections_total')).toContain('scope="tenant",limit="concurrent"} 1');
  });

  it('caps calls per second over a sliding one-second window', async () => {
    const gw = { kind: 'gateway', id: 'g-cps' } as const;
    const limits = { maxConcurrent: 0, maxCps: 3 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await limiter.acquire(gw, `a${i}`, limits)).ok);
    expect(results).toEqual([true, true, true, false, false]);
    clock.advance(1_001);
    expect((await limiter.acquire(gw, 'later', limits)).ok).toBe(true);
  });

  it('lets a slot lapse after its hold so a crashed switch cannot keep it', async () => {
    const tenant = { kind: 'tenant', id: 't-lapse' } as const;
    const limits = { maxConcurrent: 1, maxCps: 0 };
    expect((await limiter.acquire(tenant, 'x', limits)).ok).toBe(true);
    expect((await limiter.acquire(tenant, 'y', limits)).ok).toBe(false);
    clock.advance(60_001);
    expect((await limiter.acquire(tenant, 'y', limits)).ok).toBe(true);
  });

  it('never admits more than the cap under 200 concurrent attempts', async () => {
    const tenant = { kind: 'tenant', id: 't-race' } as const;
    const limits = { maxConcurrent: 17, maxCps: 0 };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => limiter.acquire(tenant, `r${i}`, limits)));
    expect(results.filter((r) => r.ok)).toHaveLength(17);
    expect(await limiter.active(tenant)).toBe(17);
  });
});
