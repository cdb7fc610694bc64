/** Digits of an E.164 destination read once, so that several deck lookups of one call share the parse. */
export type DestinationDigits = {
  /** The first 15 digits as an integer, zero-padded on the right to 15 digits ("4930" → 493000000000000). */
  value: number;
  /** How many digits there were (0–15): "4930" and "49300" differ only here. */
  digits: number;
};

/** Digits an E.164 number can have (ITU-T E.164 §6.1); the prefix index reads no further. */
export const MAX_DESTINATION_DIGITS = 15;
const PAD = Array.from({ length: MAX_DESTINATION_DIGITS + 1 }, (_, k) => 10 ** (MAX_DESTINATION_DIGITS - k));

/**
 * Reads `destination` (optional '+', then digits; reading stops at the first non-digit or after 15
 * digits) into `out` (reused by hot callers to avoid an allocation) and returns it.
 */
export function parseDestination(destination: string, out: DestinationDigits = { value: 0, digits: 0 }): DestinationDigits {
  const start = destination.charCodeAt(0) === 43 /* + */ ? 1 : 0;
  const end = Math.min(destination.length, start + MAX_DESTINATION_DIGITS);
  let value = 0;
  let at = start;
  for (; at < end; at++) {
    const c = destination.charCodeAt(at) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  out.digits = at - start;
  out.value = value * (PAD[out.digits] ?? 1);
  return out;
}
