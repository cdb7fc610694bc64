import { ceilDiv, floorDiv } from './money.js';

/** Billing increments of a tariff: `initialSec/subsequentSec` (60/60, 30/6, 1/1 …). */
export type Increments = { readonly initialIncrementSec: number; readonly subsequentIncrementSec: number };

/**
 * Seconds billed for a call that lasted `durationSec`: 0 for 0, else the first increment,
 * then whole subsequent increments, each rounded up.
 */
export function billableSec(durationSec: number, inc: Increments): number {
  if (durationSec <= 0) return 0;
  if (durationSec <= inc.initialIncrementSec) return inc.initialIncrementSec;
  const rest = durationSec - inc.initialIncrementSec;
  return inc.initialIncrementSec + ceilDiv(rest, inc.subsequentIncrementSec) * inc.subsequentIncrementSec;
}

/** The largest increment boundary ≤ `sec` (0 if `sec` is below the first increment). */
export function floorToBoundary(sec: number, inc: Increments): number {
  if (sec < inc.initialIncrementSec) return 0;
  const rest = sec - inc.initialIncrementSec;
  return inc.initialIncrementSec + floorDiv(rest, inc.subsequentIncrementSec) * inc.subsequentIncrementSec;
}

/** Whole seconds of an answered call: (end − answer) rounded up to the second. */
export function durationSecOf(answeredAtMs: number | null, endedAtMs: number): number {
  if (answeredAtMs === null || endedAtMs <= answeredAtMs) return 0;
  return ceilDiv(endedAtMs - answeredAtMs, 1000);
}
