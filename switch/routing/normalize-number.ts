// Dialled digits → E.164 (ITU-T E.164), using the tenant's country for national and IDD forms.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type NormalizeResult = { ok: true; e164: string } | { ok: false; reason: 'empty' | 'not_a_number' | 'impossible_number' };

/** Visual separators users and softphones put in dialled strings (RFC 3966 §5.1.1). */
const VISUAL_SEPARATORS = /[\s\-.()]/g;

/**
 * Normalises what a softphone dialled (the user part of the Request-URI) to E.164 `+CC…`.
 * Accepts `+CC…`, the tenant country's international prefix (`00…`, `011…`), and national
 * numbers (`0…` or bare national digits) interpreted in `country` (ISO 3166-1 alpha-2).
 */
export function normalizeDialled(dialled: string, country: string): NormalizeResult {
  const cleaned = decodeURIComponent(dialled).replace(VISUAL_SEPARATORS, '');
  if (cleaned === '') return { ok: false, reason: 'empty' };
  if (!/^\+?\d+$/.test(cleaned)) return { ok: false, reason: 'not_a_number' };
  const parsed = parsePhoneNumberFromString(cleaned, country.toUpperCase() as CountryCode);
  if (!parsed || !parsed.isPossible()) return { ok: false, reason: 'impossible_number' };
  return { ok: true, e164: parsed.number };
}

/** True for a string in E.164 form: `+`, a non-zero digit, at most 15 digits (ITU-T E.164 §6). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{1,14}$/.test(value);
}
