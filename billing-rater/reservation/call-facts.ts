import { z } from 'zod';

/** What a live reservation remembers about its call, so anyone (the reconciler) can finish it. */
export const callFactsSchema = z.object({
  callId: z.string(),
  tenantId: z.string(),
  caller: z.string(),
  destination: z.string(),
  direction: z.enum(['inbound', 'outbound', 'onnet']),
  gatewayId: z.string().nullable(),
  carrierId: z.string().nullable(),
  startedAtMs: z.number().int(),
  ringAtMs: z.number().int().nullable(),
  answeredAtMs: z.number().int(),
  tariff: z.object({
    prefix: z.string(),
    rateMicrosPerMin: z.number().int(),
    connectFeeMicros: z.number().int(),
    initialIncrementSec: z.number().int(),
    subsequentIncrementSec: z.number().int(),
    currency: z.string(),
    effectiveFromMs: z.number(),
    effectiveToMs: z.number().nullable(),
    source: z.object({ kind: z.enum(['price_plan', 'cost_deck']), id: z.string(), rowId: z.string() }),
  }),
  bundleOrder: z.array(z.string()),
});
export type CallFacts = z.infer<typeof callFactsSchema>;
