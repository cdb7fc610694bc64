import { RatingError } from '../error-codes.js';
import { billableSec, floorToBoundary } from './billable.js';
import { allocateBundleSec, type MinuteBundle } from './bundles.js';
import { ceilDiv, floorDiv, isSafeNonNegative, microsPerMinor } from './money.js';
import type { Tariff } from './tariff.js';

/** The outcome of rating one call against one tariff. */
export type CallRating = {
  readonly durationSec: number;
  readonly billableSec: number;
  /** Seconds taken from each minute bundle, in the order used. */
  readonly bundleUse: readonly { readonly bundleId: string; readonly sec: number }[];
  /** Billable seconds paid with money. */
  readonly moneySec: number;
  /** What the call costs in money (connect fee included), integer minor units. */
  readonly amountMinor: number;
  readonly currency: string;
  /** The one rounding step applied: ceil of the micro-unit total to the minor unit. */
  readonly rounding: 'ceil_minor';
};

function check(name: string, n: number): void {
  if (!isSafeNonNegative(n)) throw new RatingError('RATING_BAD_INPUT', `${name}=${n} is not a safe non-negative integer`);
}

/**
 * Money owed for `moneySec` billed seconds plus the connect fee (charged once per answered
 * call, always in money): ceil((fee·60 + sec·rate) / (60·microsPerMinor)) — one rounding step.
 */
export function moneyCostMinor(moneySec: number, answered: boolean, tariff: Pick<Tariff, 'rateMicrosPerMin' | 'connectFeeMicros' | 'currency'>): number {
  if (!answered) return 0;
  const totalMicroSec = tariff.connectFeeMicros * 60 + moneySec * tariff.rateMicrosPerMin;
  if (!Number.isSafeInteger(totalMicroSec)) throw new RatingError('RATING_BAD_INPUT', 'call cost overflows a safe integer');
  return ceilDiv(totalMicroSec, 60 * microsPerMinor(tariff.currency));
}

/**
 * Rates a call of `durationSec` whole seconds: bills it in the tariff's increments, takes the
 * billed seconds from `bundles` in the given order (see usableBundles), and charges the rest
 * plus the connect fee in money. Unanswered calls (0 s) cost nothing.
 */
export function rateCall(durationSec: number, tariff: Tariff, bundles: readonly Pick<MinuteBundle, 'id' | 'remainingSec'>[] = []): CallRating {
  check('durationSec', durationSec);
  check('rateMicrosPerMin', tariff.rateMicrosPerMin);
  check('connectFeeMicros', tariff.connectFeeMicros);
  const billed = billableSec(durationSec, tariff);
  const { use, uncoveredSec } = allocateBundleSec(bundles, billed);
  return {
    durationSec,
    billableSec: billed,
    bundleUse: use,
    moneySec: uncoveredSec,
    amountMinor: moneyCostMinor(uncoveredSec, billed > 0, tariff),
    currency: tariff.currency,
    rounding: 'ceil_minor',
  };
}

/**
 * The longest call (seconds, on an increment boundary) whose cost fits: `bundleSec` bundle
 * seconds first, then `moneyMinor`. 0 when not even the first increment (plus connect fee) fits.
 * Capped at `capSec` (free destinations would otherwise be unlimited).
 */
export function maxDurationSec(moneyMinor: number, bundleSec: number, tariff: Tariff, capSec: number): number {
  check('moneyMinor', moneyMinor);
  check('bundleSec', bundleSec);
  const budgetMicroSec = moneyMinor * microsPerMinor(tariff.currency) * 60 - tariff.connectFeeMicros * 60;
  if (budgetMicroSec < 0) return 0;
  const moneySec = tariff.rateMicrosPerMin === 0 ? capSec : floorDiv(budgetMicroSec, tariff.rateMicrosPerMin);
  return floorToBoundary(Math.min(capSec, bundleSec + moneySec), tariff);
}
