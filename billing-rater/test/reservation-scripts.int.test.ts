import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis } from '#test/support/redis.js';
import { ReservationStore } from '#billing-rater/reservation/index.js';

const T0 = Date.UTC(2026, 0, 1);
let env: Awaited<ReturnType<typeof createTestRedis>>;
let store: ReservationStore;

beforeAll(async () => {
  env = await createTestRedis();
  store = new ReservationStore(env.redis);
});
afterAll(async () => env.cleanup());

function req(tenantId: string, callId: string, money: number, over: Partial<Parameters<ReservationStore['reserve']>[0]> = {}) {
  return { tenantId, callId, nowMs: T0, ttlMs: 90_000, ownerId: 'o1', answeredAtMs: T0, coveredSec: 60, moneyDeltaMinor: money, bundleDeltas: [], ...over };
}

describe('reservation Lua scripts (real Redis)', () => {
  it('refuses to reserve before the balance is loaded', async () => {
    expect(await store.reserve(req('t0', 'c1', 1))).toEqual({ ok: false, error: 'RESV_BALANCE_NOT_LOADED', availableMinor: 0 });
  });

  it('reserves all-or-nothing and never below zero', async () => {
    expect(await store.loadBalance({ tenantId: 't1', version: 1, balanceMinor: 100, currency: 'EUR', bundles: [] })).toBe(100);
    expect(await store.reserve(req('t1', 'a', 60))).toEqual({ ok: true, availableMinor: 40 });
    expect(await store.reserve(req('t1', 'b', 41))).toEqual({ ok: false, error: 'RESV_INSUFFICIENT_FUNDS', availableMinor: 40 });
    expect(await store.reserve(req('t1', 'a', 40, { coveredSec: 120 }))).toEqual({ ok: true, availableMinor: 0 });
    expect((await store.get('t1', 'a'))?.moneyMinor).toBe(100);
  });

  it('admits up to the concurrency limit (idempotent per call, entries expire) and returns the balance mirror in the same script', async () => {
    expect(await store.admit('t9', 'x', T0, 1_000, 2)).toEqual({ ok: true, balance: null });
    await store.loadBalance({ tenantId: 't9', version: 3, balanceMinor: 500, currency: 'EUR', bundles: [{ bundleId: 'b1', remainingSec: 600, expiresAtMs: T0 + 86_400_000 }] });
    const second = await store.admit('t9', 'y', T0, 1_000, 2);
    expect(second).toEqual({ ok: true, balance: { availableMinor: 500, balanceMinor: 500, reservedMinor: 0, version: 3, bundles: new Map([['b1', { sec: 600, expiresAtMs: T0 + 86_400_000 }]]) } });
    expect(await store.admit('t9', 'x', T0 + 1, 1_000, 2)).toMatchObject({ ok: true }); // already in: still admitted
    expect(await store.admit('t9', 'z', T0 + 2, 1_000, 2)).toEqual({ ok: false, error: 'RESV_LIMIT_REACHED' });
    expect(await store.admit('t9', 'z', T0 + 1_002, 1_000, 2)).toMatchObject({ ok: true }); // x and y expired
  });

  it('commits once, moves the balance to the ledger figure and releases the hold', async () => {
    await store.loadBalance({ tenantId: 't2', version: 5, balanceMinor: 100, currency: 'EUR', bundles: [] });
    await store.reserve(req('t2', 'c', 30));
    const first = await store.commit({ tenantId: 't2', callId: 'c', ledger: { balanceMinor: 75, version: 6 }, bundleUsed: [], keepMs: 60_000, finalState: 'committed' });
    expect(first).toEqual({ ok: true, heldMinor: 30, replay: false });
    const again = await store.commit({ tenantId: 't2', callId: 'c', ledger: { balanceMinor: 50, version: 7 }, bundleUsed: [], keepMs: 60_000, finalState: 'committed' });
    expect(again).toEqual({ ok: true, heldMinor: 0, replay: true });
    const b = await store.balance('t2');
    expect(b).toMatchObject({ balanceMinor: 75, reservedMinor: 0, availableMinor: 75, version: 6 });
    expect(await store.reserve(req('t2', 'c', 1))).toMatchObject({ ok: false, error: 'RESV_ALREADY_FINAL' });
    expect(await store.commit({ tenantId: 't2', callId: 'nope', ledger: null, bundleUsed: [], keepMs: 1, finalState: 'released' })).toEqual({ ok: false, error: 'RESV_NOT_FOUND' });
  });

  it('ignores a stale balance load (older ledger version)', async () => {
    await store.loadBalance({ tenantId: 't3', version: 10, balanceMinor: 500, currency: 'EUR', bundles: [] });
    expect(await store.loadBalance({ tenantId: 't3', version: 9, balanceMinor: 900, currency: 'EUR', bundles: [] })).toBe(500);
    expect(await store.loadBalance({ tenantId: 't3', version: 11, balanceMinor: 700, currency: 'EUR', bundles: [] })).toBe(700);
  });

  it('reserves bundle seconds, refuses expired bundles, gives unused seconds back', async () => {
    await store.loadBalance({ tenantId: 't4', version: 1, balanceMinor: 0, currency: 'EUR', bundles: [{ bundleId: 'b1', remainingSec: 100, expiresAtMs: T0 + 1_000 }] });
    expect(await store.reserve(req('t4', 'x', 0, { bundleDeltas: [{ bundleId: 'b1', sec: 60 }] }))).toMatchObject({ ok: true });
    expect(await store.reserve(req('t4', 'y', 0, { bundleDeltas: [{ bundleId: 'b1', sec: 41 }] }))).toMatchObject({ ok: false, error: 'RESV_INSUFFICIENT_FUNDS' });
    expect(await store.reserve(req('t4', 'y', 0, { nowMs: T0 + 1_000, bundleDeltas: [{ bundleId: 'b1', sec: 1 }] }))).toMatchObject({ ok: false, error: 'RESV_INSUFFICIENT_FUNDS' });
    await store.commit({ tenantId: 't4', callId: 'x', ledger: null, bundleUsed: [{ bundleId: 'b1', sec: 25 }], keepMs: 1_000, finalState: 'committed' });
    expect((await store.balance('t4'))?.bundles.get('b1')?.sec).toBe(75);
  });

  it('lists reservations whose TTL passed at the given time', async () => {
    await store.loadBalance({ tenantId: 't5', version: 1, balanceMinor: 10, currency: 'EUR', bundles: [] });
    await store.reserve(req('t5', 'old', 1, { nowMs: T0, ttlMs: 1_000 }));
    await store.reserve(req('t5', 'new', 1, { nowMs: T0, ttlMs: 5_000 }));
    const due = (await store.expired(T0 + 2_000, 100)).filter((m) => m.tenantId === 't5');
    expect(due).toEqual([{ tenantId: 't5', callId: 'old' }]);
  });

  it('model: interleaved reserves and commits never drive the balance negative nor commit twice', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ call: fc.integer({ min: 0, max: 5 }), op: fc.constantFrom('reserve', 'commit'), amount: fc.integer({ min: 0, max: 40 }) }), { maxLength: 40 }),
        async (ops) => {
          const tenantId = `m${run++}`;
          await store.loadBalance({ tenantId, version: 1, balanceMinor: 100, currency: 'EUR', bundles: [] });
          let ledger = 100;
          let version = 1;
          const held = new Map<number, number>();
          const done = new Set<number>();
          await Promise.all(
            ops.map(async (o) => {
              const callId = `c${o.call}`;
              if (o.op === 'reserve') {
                const r = await store.reserve(req(tenantId, callId, o.amount));
                if (r.ok) held.set(o.call, (held.get(o.call) ?? 0) + o.amount);
              } else {
                const s = await store.get(tenantId, callId);
                if (!s || s.state !== 'live') return;
                const charge = Math.min(s.moneyMinor, o.amount);
                const c = await store.commit({ tenantId, callId, ledger: { balanceMinor: ledger - charge, version: version + 1 }, bundleUsed: [], keepMs: 60_000, finalState: 'committed' });
                if (c.ok && !c.replay) {
                  expect(done.has(o.call)).toBe(false);
                  done.add(o.call);
                  ledger -= charge;
                  version += 1;
                }
              }
            }),
          );
          const b = await store.balance(tenantId);
          expect(b!.availableMinor).toBeGreaterThanOrEqual(0);
          expect(b!.balanceMinor).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 30 },
    );
  });
});
