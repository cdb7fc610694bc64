import { describe, expect, it } from 'vitest';
import {
  answerResponseSchema,
  authorizeMessageRequestSchema,
  authorizeMessageResponseSchema,
  authorizeRequestSchema,
  authorizeResponseSchema,
  cutEventSchema,
  endRequestSchema,
  settleMessageRequestSchema,
  settleMessageResponseSchema,
} from './schemas.js';

const tenantId = '0b6f7d3e-8a51-4c55-9c39-3f0c2c7f5b11';

describe('rater API contract', () => {
  it('accepts a well-formed authorize request and rejects extra or malformed fields', () => {
    const ok = { callId: 'c1', tenantId, caller: '+4915112345678', destination: '+4930123', direction: 'outbound', atMs: 1 };
    expect(authorizeRequestSchema.safeParse(ok).success).toBe(true);
    expect(authorizeRequestSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(authorizeRequestSchema.safeParse({ ...ok, destination: 'sip:bob' }).success).toBe(false);
    expect(authorizeRequestSchema.safeParse({ ...ok, atMs: 1.5 }).success).toBe(false);
  });

  it('distinguishes allowed and denied answers', () => {
    const price = { planId: 'p', prefix: '49', rateMicrosPerMin: 1, connectFeeMicros: 0, initialIncrementSec: 60, subsequentIncrementSec: 60, currency: 'EUR' };
    expect(authorizeResponseSchema.parse({ allowed: true, price, maxDurationSec: 60, bundleSec: 0, availableMinor: 5 }).allowed).toBe(true);
    expect(authorizeResponseSchema.safeParse({ allowed: false, reason: 'no_balance' }).success).toBe(true);
    expect(authorizeResponseSchema.safeParse({ allowed: false, reason: 'because' }).success).toBe(false);
    expect(answerResponseSchema.safeParse({ ok: true, cutAtMs: null, coveredUntilMs: 60_000 }).success).toBe(true);
  });

  it('requires a disposition from the closed list on end, and a versioned cut event', () => {
    const end = { callId: 'c1', tenantId, caller: '', destination: '4930', direction: 'inbound', gatewayId: null, carrierId: null, startedAtMs: 1, ringAtMs: null, answeredAtMs: null, endedAtMs: 2, sipStatus: 486, sipReason: 'Busy Here', disposition: 'busy', endReason: null };
    expect(endRequestSchema.safeParse(end).success).toBe(true);
    expect(endRequestSchema.safeParse({ ...end, disposition: 'gone' }).success).toBe(false);
    expect(cutEventSchema.safeParse({ v: 1, callId: 'c1', tenantId, cutAtMs: 5, reason: 'balance_exhausted' }).success).toBe(true);
    expect(cutEventSchema.safeParse({ v: 2, callId: 'c1', tenantId, cutAtMs: 5, reason: 'balance_exhausted' }).success).toBe(false);
  });

  it('holds and settles a message by a bounded id, with closed outcomes and states', () => {
    const ok = { messageId: 'Ab_9-x.y:z', tenantId, destination: '+442079460000', atMs: 1 };
    expect(authorizeMessageRequestSchema.safeParse(ok).success).toBe(true);
    expect(authorizeMessageRequestSchema.safeParse({ ...ok, messageId: 'a b' }).success).toBe(false);
    expect(authorizeMessageRequestSchema.safeParse({ ...ok, messageId: 'x'.repeat(129) }).success).toBe(false);
    expect(authorizeMessageResponseSchema.safeParse({ allowed: true, priceMinor: 7, currency: 'EUR', bundleId: null, holdExpiresAtMs: 5 }).success).toBe(true);
    expect(authorizeMessageResponseSchema.safeParse({ allowed: true, priceMinor: -7, currency: 'EUR', bundleId: null, holdExpiresAtMs: 5 }).success).toBe(false);
    expect(authorizeMessageResponseSchema.safeParse({ allowed: false, reason: 'no_balance' }).success).toBe(true);
    expect(settleMessageRequestSchema.safeParse({ messageId: 'm', tenantId, outcome: 'sent', atMs: 1 }).success).toBe(true);
    expect(settleMessageRequestSchema.safeParse({ messageId: 'm', tenantId, outcome: 'lost', atMs: 1 }).success).toBe(false);
    expect(settleMessageResponseSchema.safeParse({ state: 'committed', priceMinor: 7, currency: 'EUR', bundleId: null, ledgerKey: 'k' }).success).toBe(true);
    expect(settleMessageResponseSchema.safeParse({ state: 'charged', priceMinor: 7, currency: 'EUR', bundleId: null, ledgerKey: 'k' }).success).toBe(false);
  });
});
