import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createTestRedis } from '#test/support/redis.js';
import { BindingStore } from '#switch/registrar/binding-store.js';

describe('BindingStore against real Redis', () => {
  let env: Awaited<ReturnType<typeof createTestRedis>>;
  const clock = new SimulatedClock(Date.UTC(2026, 10, 25));
  let store: BindingStore;
  const policy = { defaultExpiresSec: 3600, minExpiresSec: 60, maxExpiresSec: 7200, maxBindings: 50 };
  const source = { transport: 'udp', host: '127.0.0.1', port: 5070 };

  beforeAll(async () => {
    env = await createTestRedis();
    store = new BindingStore({ redis: env.redis, clock, policy });
  });
  afterAll(async () => {
    await env.cleanup();
  });

  it('shares bindings between instances and expires them on the clock', async () => {
    const other = new BindingStore({ redis: env.redis, clock, policy });
    const aor = { tenantId: 't1', username: 'alice' };
    await store.register(aor, { contacts: [{ uri: 'sip:alice@127.0.0.1:5070', expiresSec: 120 }], callId: 'c', cseq: 1, source });
    expect((await other.lookup(aor)).map((b) => b.source.port)).toEqual([5070]);
    expect(await other.lookup({ tenantId: 't2', username: 'alice' })).toEqual([]);
    clock.advance(121_000);
    expect(await other.lookup(aor)).toEqual([]);
  });

  it('keeps every device when 20 devices register at once', async () => {
    const aor = { tenantId: 't1', username: 'bob' };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.register(aor, { contacts: [{ uri: `sip:bob@127.0.0.1:${6000 + i}` }], callId: `dev-${i}`, cseq: 1, source: { ...source, port: 6000 + i } })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await store.lookup(aor)).length).toBe(20);
  });
});
