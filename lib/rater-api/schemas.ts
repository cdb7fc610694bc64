import { z } from 'zod';

// The billing rater's API contract: what the switch sends and receives. The rater validates every
// request with these schemas, the client validates every response. HTTP JSON over keep-alive on
// the rater's API port (RATER_API_PORT); paths in RATER_API_PATHS. Times are epoch ms from the
// caller's Clock; money is integer minor units; rates are integer micro-units per minute.

const e164 = z.string().regex(/^\+?[0-9]{1,15}$/, { error: 'expected E.164 digits' });
const epochMs = z.number().int().nonnegative();
const minor = z.number().int().refine(Number.isSafeInteger, { error: 'not a safe integer' });
const id = z.string().min(1).max(256);

export const RATER_API_PATHS = {
  authorize: '/v1/authorize',
  answer: '/v1/calls/answer',
  end: '/v1/calls/end',
  authorizeMessage: '/v1/messages/authorize',
  settleMessage: '/v1/messages/settle',
} as const;

/** Redis pub/sub channel on which the rater tells the switch to end a call. */
export const RATER_CUT_CHANNEL = 'softswitch:rater:cut';

export const callDirectionSchema = z.enum(['inbound', 'outbound', 'onnet']);
export type CallDirection = z.infer<typeof callDirectionSchema>;

export const authorizeRequestSchema = z.strictObject({
  callId: id,
  tenantId: z.uuid(),
  caller: z.string().max(64),
  destination: e164,
  direction: callDirectionSchema,
  /** Setup time (INVITE received). */
  atMs: epochMs,
});
export type AuthorizeRequest = z.infer<typeof authorizeRequestSchema>;

export const DENY_REASONS = ['no_balance', 'blocked_destination', 'suspended_tenant', 'limit_reached', 'no_rate', 'unknown_tenant'] as const;
export const denyReasonSchema = z.enum(DENY_REASONS);
export type DenyReason = z.infer<typeof denyReasonSchema>;

export const priceSchema = z.strictObject({
  planId: z.string(),
  prefix: z.string(),
  rateMicrosPerMin: z.number().int().nonnegative(),
  connectFeeMicros: z.number().int().nonnegative(),
  initialIncrementSec: z.number().int().positive(),
  subsequentIncrementSec: z.number().int().positive(),
  currency: z.string().length(3),
});
export type Price = z.infer<typeof priceSchema>;

export const authorizeResponseSchema = z.discriminatedUnion('allowed', [
  z.strictObject({
    allowed: z.literal(true),
    price: priceSchema,
    /** Longest call the balances allow now (on an increment boundary); null = unlimited (free or inbound). */
    maxDurationSec: z.number().int().nonnegative().nullable(),
    /** Bundle seconds usable for this destination. */
    bundleSec: z.number().int().nonnegative(),
    /** Money available (balance + credit limit − live reservations). */
    availableMinor: minor,
  }),
  z.strictObject({ allowed: z.literal(false), reason: denyReasonSchema }),
]);
export type AuthorizeResponse = z.infer<typeof authorizeResponseSchema>;

const callFacts = {
  callId: id,
  tenantId: z.uuid(),
  caller: z.string().max(64),
  destination: e164,
  direction: callDirectionSchema,
  gatewayId: z.uuid().nullable(),
  carrierId: z.uuid().nullable(),
  /** Setup time (INVITE received): the CDR's started_at. */
  startedAtMs: epochMs,
};

export const answerRequestSchema = z.strictObject({ ...callFacts, ringAtMs: epochMs.nullable(), answeredAtMs: epochMs });
export type AnswerRequest = z.infer<typeof answerRequestSchema>;

export const answerResponseSchema = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    /** Epoch ms at which the call must end because the balance runs out; null while extensions are expected to succeed. */
    cutAtMs: epochMs.nullable(),
    /** The call is paid up to here; the rater extends before it. */
    coveredUntilMs: epochMs,
  }),
  z.strictObject({ ok: z.literal(false), reason: denyReasonSchema }),
]);
export type AnswerResponse = z.infer<typeof answerResponseSchema>;

export const DISPOSITIONS = ['answered', 'busy', 'no_answer', 'failed', 'rejected', 'cancelled', 'cut_off'] as const;

export const endRequestSchema = z.strictObject({
  ...callFacts,
  /** Null for an attempt no tenant owns (a call to an unknown number): a CDR without money. */
  tenantId: z.uuid().nullable(),
  ringAtMs: epochMs.nullable(),
  answeredAtMs: epochMs.nullable(),
  endedAtMs: epochMs,
  sipStatus: z.number().int().min(100).max(699).nullable(),
  sipReason: z.string().max(200).nullable(),
  disposition: z.enum(DISPOSITIONS),
  endReason: z.string().max(200).nullable(),
  /** A recording of the call was stored (the CDR says whether the call was recorded). */
  recorded: z.boolean().optional(),
  /** Which rule recorded it (when recorded): the client's opt-in, or a staff diagnostic window. */
  recordingKind: z.enum(['client', 'diagnostic']).optional(),
});
export type EndRequest = z.infer<typeof endRequestSchema>;

export const endResponseSchema = z.strictObject({
  /** The call-end record is in the durable queue; the CDR and the debit follow in a batch. */
  queued: z.literal(true),
});
export type EndResponse = z.infer<typeof endResponseSchema>;

/** Published on RATER_CUT_CHANNEL: end `callId` at `cutAtMs` (the second its balance runs out). */
export const cutEventSchema = z.strictObject({
  v: z.literal(1),
  callId: id,
  tenantId: z.uuid(),
  cutAtMs: epochMs,
  reason: z.literal('balance_exhausted'),
});
export type CutEvent = z.infer<typeof cutEventSchema>;

// SMS money (one message = one hold). The switch names each message with a stable id (the same
// MESSAGE retransmitted gets the same id): authorize holds the price (or one bundle message), settle
// charges it once (`sent`) or gives it back (`failed`). A hold never settled lapses after the
// rater's RATER_SMS_HOLD_TTL_MS.

const nonNegativeMinor = z.number().int().nonnegative().refine(Number.isSafeInteger, { error: 'not a safe integer' });
const messageId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, { error: 'expected 1–128 of [A-Za-z0-9_.:-]' });

export const authorizeMessageRequestSchema = z.strictObject({
  messageId,
  tenantId: z.uuid(),
  destination: e164,
  /** When the MESSAGE was received. */
  atMs: epochMs,
});
export type AuthorizeMessageRequest = z.infer<typeof authorizeMessageRequestSchema>;

export const authorizeMessageResponseSchema = z.discriminatedUnion('allowed', [
  z.strictObject({
    allowed: z.literal(true),
    /** Money held for the message (0 when a bundle message is held). */
    priceMinor: nonNegativeMinor,
    currency: z.string().length(3),
    /** The SMS bundle one message was taken from, or null when money is held. */
    bundleId: z.string().nullable(),
    /** The hold lapses here unless settled. */
    holdExpiresAtMs: epochMs,
  }),
  z.strictObject({ allowed: z.literal(false), reason: denyReasonSchema }),
]);
export type AuthorizeMessageResponse = z.infer<typeof authorizeMessageResponseSchema>;

export const settleMessageRequestSchema = z.strictObject({
  messageId,
  tenantId: z.uuid(),
  /** sent: a carrier or device took it (or it was stored on-net) → charge; failed → release. */
  outcome: z.enum(['sent', 'failed']),
  atMs: epochMs,
});
export type SettleMessageRequest = z.infer<typeof settleMessageRequestSchema>;

export const settleMessageResponseSchema = z.strictObject({
  /**
   * committed: charged (once, whatever the number of settles); released: given back; expired: the
   * hold had lapsed, nothing charged; unknown: no hold for this message.
   */
  state: z.enum(['committed', 'released', 'expired', 'unknown']),
  priceMinor: nonNegativeMinor,
  currency: z.string().length(3).nullable(),
  bundleId: z.string().nullable(),
  /** Idempotency key of the `sms_charge` ledger transaction (null when nothing was charged). */
  ledgerKey: z.string().nullable(),
});
export type SettleMessageResponse = z.infer<typeof settleMessageResponseSchema>;

/** Error body of any non-2xx response. */
export const errorResponseSchema = z.strictObject({ code: z.string(), message: z.string() });
