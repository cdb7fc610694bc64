// Money: integer minor units plus an ISO 4217 currency. Rates: integer micro-units of the major
// unit per minute (1 EUR = 1,000,000 micros, so 1 cent = 10,000 micros).

/** Minor-unit exponents (ISO 4217) for the currencies that are not the default 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, XAF: 0, XOF: 0, UGX: 0,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, IQD: 3, LYD: 3,
};

export const MICROS_PER_MAJOR = 1_000_000;

/** A sum of money: integer minor units of `currency`. */
export type Money = { readonly currency: string; readonly minor: number };

/** ISO 4217 minor-unit exponent of `currency` (2 unless listed). */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** How many micro-units make one minor unit of `currency` (EUR: 10,000; JPY: 1,000,000). */
export function microsPerMinor(currency: string): number {
  return MICROS_PER_MAJOR / 10 ** currencyExponent(currency);
}

/** True for a safe integer ≥ 0 (what every amount, rate and duration must be). */
export function isSafeNonNegative(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Integer ceil(a / b) for a ≥ 0, b > 0, without floating division errors. */
export function ceilDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b < a ? q + 1 : q;
}

/** Integer floor(a / b) for a ≥ 0, b > 0. */
export function floorDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b > a ? q - 1 : q;
}
