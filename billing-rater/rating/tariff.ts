/** One price-plan or cost-deck row, as the rater uses it (integers only). */
export type Tariff = {
  /** Destination prefix, E.164 digits without '+'. */
  readonly prefix: string;
  /** Per-minute rate in micro-units of the major currency unit. */
  readonly rateMicrosPerMin: number;
  /** Connect fee in micro-units, charged once per answered call. */
  readonly connectFeeMicros: number;
  /** First billing increment, seconds (the 60 of 60/60). */
  readonly initialIncrementSec: number;
  /** Each following increment, seconds (the 6 of 30/6). */
  readonly subsequentIncrementSec: number;
  readonly currency: string;
  /** Epoch ms from which the row applies (inclusive). */
  readonly effectiveFromMs: number;
  /** Epoch ms until which the row applies (exclusive); null = open-ended. */
  readonly effectiveToMs: number | null;
  /** Where the row comes from, for the CDR's rating details. */
  readonly source: { readonly kind: 'price_plan' | 'cost_deck'; readonly id: string; readonly rowId: string };
};

/** True when `tariff` applies at `atMs` (effective_from ≤ t < effective_to). */
export function isEffective(tariff: Pick<Tariff, 'effectiveFromMs' | 'effectiveToMs'>, atMs: number): boolean {
  return tariff.effectiveFromMs <= atMs && (tariff.effectiveToMs === null || atMs < tariff.effectiveToMs);
}
