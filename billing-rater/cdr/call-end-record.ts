import { z } from 'zod';
import { endRequestSchema } from '#lib/rater-api/index.js';

/**
 * What the durable queue carries per call attempt: the switch's end request plus the rating the
 * rater computed when the call ended (or the reconciler, for calls whose owner vanished).
 */
export const callEndRecordSchema = endRequestSchema.extend({
  billableSec: z.number().int().nonnegative(),
  priceMinor: z.number().int().nonnegative(),
  costMinor: z.number().int().nonnegative(),
  currency: z.string().length(3).nullable(),
  bundleUse: z.array(z.strictObject({ bundleId: z.string(), sec: z.number().int().positive() })),
  rating: z.record(z.string(), z.unknown()),
  /** True when the reservation was live (answered call): the writer must finish it in Redis. */
  reserved: z.boolean(),
  reconciled: z.boolean(),
});
export type CallEndRecord = z.infer<typeof callEndRecordSchema>;

/** Ledger idempotency key of a call's debit (one per call). */
export function callDebitKey(callId: string): string {
  return `call:${callId}:debit`;
}

const DIRECTIONS = new Set(['inbound', 'outbound', 'onnet']);
const DISPOSITION_SET = new Set(['answered', 'busy', 'no_answer', 'failed', 'rejected', 'cancelled', 'cut_off']);

function isStr(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}
function isInt(v: unknown, min = 0): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
}
function isNullOr(v: unknown, check: (x: unknown) => boolean): boolean {
  return v === null || check(v);
}
// The checks passed to isNullOr, made once (not a closure per field per record).
const isId = (x: unknown): boolean => isStr(x, 64);
const isReason = (x: unknown): boolean => isStr(x, 200);
const isTime = (x: unknown): boolean => isInt(x);
const isSipStatus = (x: unknown): boolean => isInt(x, 100) && x <= 699;
const isCurrency = (x: unknown): boolean => isStr(x, 3) && x.length === 3;
const isBundleUse = (u: unknown): boolean => typeof u === 'object' && u !== null && isStr((u as Record<string, unknown>)['bundleId'], 64) && isInt((u as Record<string, unknown>)['sec'], 1);

/**
 * Decodes one queued record. The hot-path twin of `callEndRecordSchema` (which is ~15 µs per
 * record); a unit test keeps the two in agreement. Returns null for anything malformed.
 */
export function decodeCallEndRecord(text: string): CallEndRecord | null {
  let r: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    r = v as Record<string, unknown>;
  } catch {
    return null;
  }
  const ok =
    isStr(r['callId'], 256) && r['callId'] !== '' &&
    isNullOr(r['tenantId'], isId) &&
    isStr(r['caller'], 64) &&
    isStr(r['destination'], 16) &&
    isStr(r['direction'], 16) && DIRECTIONS.has(r['direction']) &&
    isNullOr(r['gatewayId'], isId) &&
    isNullOr(r['carrierId'], isId) &&
    isInt(r['startedAtMs']) &&
    isNullOr(r['ringAtMs'], isTime) &&
    isNullOr(r['answeredAtMs'], isTime) &&
    isInt(r['endedAtMs']) &&
    isNullOr(r['sipStatus'], isSipStatus) &&
    isNullOr(r['sipReason'], isReason) &&
    isStr(r['disposition'], 16) && DISPOSITION_SET.has(r['disposition']) &&
    isNullOr(r['endReason'], isReason) &&
    isInt(r['billableSec']) &&
    isInt(r['priceMinor']) &&
    isInt(r['costMinor']) &&
    isNullOr(r['currency'], isCurrency) &&
    Array.isArray(r['bundleUse']) &&
    (r['bundleUse'] as unknown[]).every(isBundleUse) &&
    typeof r['rating'] === 'object' && r['rating'] !== null && !Array.isArray(r['rating']) &&
    (r['recorded'] === undefined || typeof r['recorded'] === 'boolean') &&
    (r['recordingKind'] === undefined || r['recordingKind'] === 'client' || r['recordingKind'] === 'diagnostic') &&
    typeof r['reserved'] === 'boolean' &&
    typeof r['reconciled'] === 'boolean';
  return ok ? (r as CallEndRecord) : null;
}
