import type { EndRequest } from '#lib/rater-api/index.js';
import type { CallEndRecord } from '../cdr/call-end-record.js';
import { durationSecOf, rateCall, type Tariff } from '../rating/index.js';
import type { CallFacts } from './call-facts.js';

/**
 * Rates the end of a call. An answered call is charged for at most the seconds its reservation
 * covered (the switch was told to end there), with bundle seconds taken from what it reserved, so
 * the debit never exceeds the hold. Unanswered attempts cost nothing.
 */
export function finishRecord(
  end: EndRequest,
  reserved: { facts: CallFacts; coveredSec: number; bundleSec: ReadonlyMap<string, number> } | null,
  cost: Tariff | undefined,
  reconciled: boolean,
): CallEndRecord {
  const base = { ...end, reconciled };
  if (reserved === null || end.answeredAtMs === null) {
    return { ...base, billableSec: 0, priceMinor: 0, costMinor: 0, currency: reserved?.facts.tariff.currency ?? null, bundleUse: [], rating: {}, reserved: reserved !== null };
  }
  const { facts } = reserved;
  const durationSec = Math.min(durationSecOf(end.answeredAtMs, end.endedAtMs), reserved.coveredSec);
  const bundles = facts.bundleOrder.map((id) => ({ id, remainingSec: reserved.bundleSec.get(id) ?? 0 }));
  const price = rateCall(durationSec, facts.tariff, bundles);
  const carrier = cost ? rateCall(durationSec, cost) : null;
  return {
    ...base,
    billableSec: price.billableSec,
    priceMinor: price.amountMinor,
    costMinor: carrier && carrier.currency === price.currency ? carrier.amountMinor : 0,
    currency: price.currency,
    bundleUse: price.bundleUse.map((u) => ({ bundleId: u.bundleId, sec: u.sec })),
    rating: {
      prefix: facts.tariff.prefix,
      planId: facts.tariff.source.id,
      rateMicrosPerMin: facts.tariff.rateMicrosPerMin,
      connectFeeMicros: facts.tariff.connectFeeMicros,
      initialIncrementSec: facts.tariff.initialIncrementSec,
      subsequentIncrementSec: facts.tariff.subsequentIncrementSec,
      durationSec,
      moneySec: price.moneySec,
      rounding: price.rounding,
      ...(carrier && cost ? { costDeckId: cost.source.id, costPrefix: cost.prefix, costRateMicrosPerMin: cost.rateMicrosPerMin, costCurrency: cost.currency } : {}),
    },
    reserved: true,
  };
}
