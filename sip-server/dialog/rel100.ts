// RFC 3262 (reliable provisional responses): the RSeq and RAck header values (§7.1, §7.2) and the
// option-tag checks (§3: a UAS may send a 1xx reliably only when the request named `100rel` in
// Supported or Require). Pure functions on header values.

/** RSeq / CSeq numbers are 1..2^32-1 (RFC 3262 §7.1). */
const MAX_SEQ = 2 ** 32 - 1;

/** The value of an RAck header (RFC 3262 §7.2): `response-num CSeq-num Method`. */
export type RAck = { rseq: number; cseq: number; method: string };

function seqNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_SEQ ? n : undefined;
}

/** RFC 3262 §7.1: `RSeq: 1*DIGIT`; undefined when absent or malformed. */
export function parseRSeq(value: string | undefined): number | undefined {
  return seqNumber(value?.trim());
}

/** RFC 3262 §7.2: `RAck: response-num LWS CSeq-num LWS Method`; undefined when malformed. */
export function parseRAck(value: string | undefined): RAck | undefined {
  const parts = value?.trim().split(/\s+/);
  if (parts?.length !== 3) return undefined;
  const rseq = seqNumber(parts[0]);
  const cseq = seqNumber(parts[1]);
  const method = parts[2] as string;
  if (rseq === undefined || cseq === undefined || !/^[A-Za-z!%*_+`'~.-]+$/.test(method)) return undefined;
  return { rseq, cseq, method: method.toUpperCase() };
}

/** True when a comma-separated option-tag list (Supported, Require) contains `100rel` (RFC 3262 §3). */
export function listsRel100(values: readonly string[]): boolean {
  return values.some((v) => v.split(',').some((tag) => tag.trim().toLowerCase() === '100rel'));
}
