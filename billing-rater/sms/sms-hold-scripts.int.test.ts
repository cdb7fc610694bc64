// The SMS hold scripts against real Redis, beside the call reservation scripts on the same balance
// mirror: all or nothing, bundle first, idempotent, and never below zero however they interleave.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis } from '#test/support/redis.js';
import { ReservationStore } from '#billing-rater/reservation/index.js';
import { SmsHoldStore, type HoldRequest } from './sms-hold-store.js';

const T0 = Date.UTC(2026, 0, 1);
let env: Awaited<ReturnType<typeof createTestRedis>>;
let calls: ReservationStore;
let holds: SmsHoldStore;

beforeAll(async () => {
  env = await createTestRedis();
  calls = new ReservationStore(env.redis);
  holds = new SmsHoldStore(env.redis);
});
afterAll(async () => env.cleanup());

function hold(tenantId: string, messageId: string, priceMinor: number | null, over: Partial<HoldRequest> = {}): HoldRequest {
  return { tenantId, messageId, nowMs: T0, ttlMs: 60_000, priceMinor, currency: 'EUR', destination: '+442079460000', bundles: [], ...over };
}

describe('SMS hold scripts (real Redis)', () => {
  it('refuses before the balance mirror is loaded, and without a price or a bundle', async () => {
    expect(await holds.hold(hold('s0', 'm1', 5))).toEqual({ ok: false, error: 'RESV_BALANCE_NOT_LOADED', availableMinor: 0 });
    await calls.loadBalance({ tenantId: 's0', version: 1, balanceMinor: 100, currency: 'EUR', bundles: [] });
    expect(await holds.hold(hold('s0', 'm1', null))).toEqual({ ok: false, error: 'SMS_NO_PRICE', availableMinor: 100 });
  });

  it('shares bal − rsv with call reservations, all or nothing', async () => {
    await calls.loadBalance({ tenantId: 's1', version: 1, balanceMinor: 100, currency: 'EUR', bundles: [] });
    await calls.reserve({ tenantId: 's1', callId: 'c', nowMs: T0, ttlMs: 60_000, ownerId: 'o', answeredAtMs: T0, coveredSec: 60, moneyDeltaMinor: 90, bundleDeltas: [] });
    expect(await holds.hold(hold('s1', 'a', 7))).toMatchObject({ ok: true, moneyMinor: 7, bundleId: null, replay: false });
    expect(await holds.hold(hold('s1', 'b', 7))).toEqual({ ok: false, error: 'RESV_INSUFFICIENT_FUNDS', availableMinor: 3 });
    expect(await holds.hold(hold('s1', 'a', 7))).toMatchObject({ ok: true, moneyMinor: 7, replay: true });
    expect(await calls.reserve({ tenantId: 's1', callId: 'c', nowMs: T0, ttlMs: 60_000, ownerId: 'o', answeredAtMs: T0, coveredSec: 120, moneyDeltaMinor: 4, bundleDeltas: [] })).toMatchObject({ ok: false, error: 'RESV_INSUFFICIENT_FUNDS' });
    expect(await calls.balance('s1')).toMatchObject({ reservedMinor: 97, availableMinor: 3 });
  });

  it('takes a bundle message first (seeded once, expired bundles skipped) and gives it back unless committed', async () => {
    await calls.loadBalance({ tenantId: 's2', version: 1, balanceMinor: 0, currency: 'EUR', bundles: [] });
    const bundles = [
      { bundleId: 'old', remaining: 9, expiresAtMs: T0 },
      { bundleId: 'b1', remaining: 1, expiresAtMs: T0 + 1_000 },
    ];
    expect(await holds.hold(hold('s2', 'x', 5, { bundles }))).toMatchObject({ ok: true, moneyMinor: 0, bundleId: 'b1' });
    // PostgreSQL still says 1 left: the mirror's own figure (0, net of the hold) wins.
    expect(await holds.hold(hold('s2', 'y', 5, { bundles }))).toEqual({ ok: false, error: 'RESV_INSUFFICIENT_FUNDS', availableMinor: 0 });
    expect(await holds.finish({ tenantId: 's2', messageId: 'x', finalState: 'released', ledger: null, ledgerKey: null, keepMs: 1_000 })).toBe(true);
    expect(await holds.hold(hold('s2', 'y', 5, { bundles }))).toMatchObject({ ok: true, bundleId: 'b1' });
    expect(await holds.claim('s2', 'y', T0, 1_000)).toMatchObject({ ok: true, committed: false, bundleId: 'b1' });
    expect(await holds.finish({ tenantId: 's2', messageId: 'y', finalState: 'committed', ledger: null, ledgerKey: 'k', keepMs: 1_000 })).toBe(true);
    expect(await env.redis.hget('rater:bal:{s2}', 'm:b1')).toBe('0');
    expect(await holds.claim('s2', 'y', T0, 1_000)).toEqual({ ok: true, committed: true, moneyMinor: 0, bundleId: 'b1', currency: 'EUR', ledgerKey: 'k' });
  });

  it('claims only before the expiry; a settling hold cannot be released, only committed or expired', async () => {
    await calls.loadBalance({ tenantId: 's3', version: 1, balanceMinor: 10, currency: 'EUR', bundles: [] });
    await holds.hold(hold('s3', 'late', 4, { ttlMs: 1_000 }));
    expect(await holds.claim('s3', 'late', T0 + 1_000, 500)).toEqual({ ok: false, error: 'SMS_HOLD_EXPIRED' });
    expect(await holds.expired(T0 + 1_000, 10)).toContainEqual({ tenantId: 's3', messageId: 'late' });
    await holds.hold(hold('s3', 'busy', 4));
    await holds.claim('s3', 'busy', T0, 500);
    expect(await holds.finish({ tenantId: 's3', messageId: 'busy', finalState: 'released', ledger: null, ledgerKey: null, keepMs: 1_000 })).toBe(false);
    expect(await holds.finish({ tenantId: 's3', messageId: 'busy', finalState: 'committed', ledger: { balanceMinor: 6, version: 2 }, ledgerKey: 'k', keepMs: 1_000 })).toBe(true);
    expect(await calls.balance('s3')).toMatchObject({ balanceMinor: 6, reservedMinor: 4, availableMinor: 2 }); // `late` still held
    expect(await holds.claim('s3', 'nope', T0, 500)).toEqual({ ok: false, error: 'RESV_NOT_FOUND' });
  });

  it('model: calls and SMS interleaved at random never drive the mirror below zero, and rsv is what is held', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ kind: fc.constantFrom('call', 'sms'), id: fc.integer({ min: 0, max: 6 }), op: fc.constantFrom('hold', 'commit', 'release'), amount: fc.integer({ min: 0, max: 30 }) }),
          { maxLength: 50 },
        ),
        async (ops) => {
          const tenantId = `model${run++}`;
          await calls.loadBalance({ tenantId, version: 1, balanceMinor: 100, currency: 'EUR', bundles: [] });
          let ledger = 100;
          let version = 1;
          // PostgreSQL stand-in: one debit per key (the ledger's unique idempotency key), applied at once.
          const debited = new Set<string>();
          const debit = (key: string, amount: number): { balanceMinor: number; version: number } | null => {
            if (amount === 0 || debited.has(key)) return null;
            debited.add(key);
            ledger -= amount;
            version += 1;
            return { balanceMinor: ledger, version };
          };
          await Promise.all(
            ops.map(async (o) => {
              const key = `${o.kind}${o.id}`;
              if (o.kind === 'call') {
                if (o.op === 'hold') await calls.reserve({ tenantId, callId: key, nowMs: T0, ttlMs: 60_000, ownerId: 'o', answeredAtMs: T0, coveredSec: 60, moneyDeltaMinor: o.amount, bundleDeltas: [] });
                else {
                  const s = await calls.get(tenantId, key);
                  if (!s || s.state !== 'live') return;
                  await calls.commit({ tenantId, callId: key, ledger: o.op === 'commit' ? debit(key, s.moneyMinor) : null, bundleUsed: [], keepMs: 60_000, finalState: o.op === 'commit' ? 'committed' : 'released' });
                }
                return;
              }
              if (o.op === 'hold') {
                await holds.hold(hold(tenantId, key, o.amount, { bundles: [{ bundleId: 'sb', remaining: 2, expiresAtMs: T0 + 1_000 }] }));
                return;
              }
              if (o.op === 'release') {
                // The switch's failed settle: releases a held message, leaves one being settled alone.
                await holds.finish({ tenantId, messageId: key, finalState: 'released', ledger: null, ledgerKey: null, keepMs: 60_000 });
                return;
              }
              const claim = await holds.claim(tenantId, key, T0, 1_000);
              if (!claim.ok || claim.committed) return;
              await holds.finish({ tenantId, messageId: key, finalState: 'committed', ledger: debit(key, claim.moneyMinor), ledgerKey: 'k', keepMs: 60_000 });
            }),
          );
          const b = await calls.balance(tenantId);
          expect(b!.availableMinor).toBeGreaterThanOrEqual(0);
          expect(b!.balanceMinor).toBe(ledger);
          expect(ledger).toBeGreaterThanOrEqual(0);
          let live = 0;
          for (let id = 0; id <= 6; id++) {
            const c = await calls.get(tenantId, `call${id}`);
            if (c?.state === 'live') live += c.moneyMinor;
            const s = await holds.get(tenantId, `sms${id}`);
            if (s && (s.state === 'held' || s.state === 'settling')) live += s.moneyMinor;
          }
          expect(b!.reservedMinor).toBe(live);
          expect(Number(await env.redis.hget(`rater:bal:{${tenantId}}`, 'm:sb'))).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
