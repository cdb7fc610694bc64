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
