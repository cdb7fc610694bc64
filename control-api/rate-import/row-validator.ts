/** Columns of a rate deck CSV (header line required; order free). */
export const REQUIRED_COLUMNS = ['prefix', 'rate_micros_per_min', 'initial_increment_sec', 'subsequent_increment_sec', 'effective_from'] as const;
export const OPTIONAL_COLUMNS = ['connect_fee_micros', 'effective_to', 'currency', 'description'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

const PREFIX = /^[0-9]{1,15}$/;
const UINT = /^[0-9]{1,13}$/;
const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
const MAX_DESCRIPTION = 200;

export type HeaderResult = { ok: true; index: Record<Column, number> } | { ok: false; message: string };

/** Maps a header line to column positions; unknown and missing columns are errors. */
export function readHeader(header: readonly string[]): HeaderResult {
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const index: Partial<Record<Column, number>> = {};
  for (const [i, raw] of header.entries()) {
    const name = raw.trim().toLowerCase();
    if (!known.has(name)) return { ok: false, message: `unknown column "${raw.slice(0, 50)}" (expected ${[...known].join(', ')})` };
    if (index[name as Column] !== undefined) return { ok: false, message: `column "${name}" appears twice` };
    index[name as Column] = i;
  }
  const missing = REQUIRED_COLUMNS.filter((c) => index[c] === undefined);
  if (missing.length > 0) return { ok: false, message: `missing column(s) ${missing.join(', ')}` };
  const full = { ...index } as Record<Column, number>;
  for (const c of OPTIONAL_COLUMNS) full[c] = index[c] ?? -1;
  return { ok: true, index: full };
}

function escapeCopy(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}

/** Decks repeat the same few dates on most rows: remember the last ones parsed. */
const dateCache = new Map<string, { ms: number; iso: string }>();
const DATE_CACHE_MAX = 1024;

function parseDate(s: string): { ms: number; iso: string } | undefined {
  let hit = dateCache.get(s);
  if (hit === undefined) {
    if (!DATE.test(s)) return undefined;
    // A bare date is midnight UTC.
    const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(ms)) return undefined;
    hit = { ms, iso: new Date(ms).toISOString() };
    if (dateCache.size >= DATE_CACHE_MAX) dateCache.clear();
    dateCache.set(s, hit);
  }
  return hit;
}

export type RowResult = { ok: true; copyLine: string } | { ok: false; message: string };

/**
 * Validates one CSV record and renders it as a COPY text line:
 * version, line, prefix, description, rate, connect fee, initial, subsequent, from, to, currency.
 */
export function validateRow(record: readonly string[], line: number, index: Record<Column, number>, deckCurrency: string, versionId: string): RowResult {
  const get = (c: Column): string => {
    const i = index[c];
    return i < 0 ? '' : (record[i] ?? '').trim();
  };
  if (record.length !== Object.values(index).filter((i) => i >= 0).length) return { ok: false, message: `expected ${Object.values(index).filter((i) => i >= 0).length} fields, found ${record.length}` };
  const prefix = get('prefix');
  if (!PREFIX.test(prefix)) return { ok: false, message: 'prefix: expected 1-15 digits' };
  const rate = get('rate_micros_per_min');
  if (!UINT.test(rate)) return { ok: false, message: 'rate_micros_per_min: expected a non-negative integer (micro-units per minute)' };
  const fee = get('connect_fee_micros') || '0';
  if (!UINT.test(fee)) return { ok: false, message: 'connect_fee_micros: expected a non-negative integer' };
  const initial = get('initial_increment_sec');
  const subsequent = get('subsequent_increment_sec');
  for (const [name, v] of [['initial_increment_sec', initial], ['subsequent_increment_sec', subsequent]] as const) {
    const n = Number(v);
    if (!/^[0-9]{1,4}$/.test(v) || n < 1 || n > 3600) return { ok: false, message: `${name}: expected an integer 1-3600` };
  }
  const from = get('effective_from');
  const fromDate = parseDate(from);
  if (fromDate === undefined) return { ok: false, message: 'effective_from: expected a date (YYYY-MM-DD) or RFC 3339 date-time' };
  const to = get('effective_to');
  let toDate: { ms: number; iso: string } | undefined;
  if (to !== '') {
    toDate = parseDate(to);
    if (toDate === undefined) return { ok: false, message: 'effective_to: expected a date, a date-time or nothing' };
    if (toDate.ms <= fromDate.ms) return { ok: false, message: 'effective_to: must be after effective_from' };
  }
  const currency = get('currency') || deckCurrency;
  if (currency !== deckCurrency) return { ok: false, message: `currency: the deck is in ${deckCurrency}, found "${currency.slice(0, 10)}"` };
  const description = get('description');
  if (description.length > MAX_DESCRIPTION) return { ok: false, message: `description: at most ${MAX_DESCRIPTION} characters` };
  const toText = toDate === undefined ? '\\N' : toDate.iso;
  return {
    ok: true,
    copyLine: `${versionId}\t${line}\t${prefix}\t${escapeCopy(description)}\t${rate}\t${fee}\t${initial}\t${subsequent}\t${fromDate.iso}\t${toText}\t${currency}\n`,
  };
}
