// RFC 3261 §8.1.1 (mandatory headers), §8.1.1.5 (CSeq), §20 (header syntax); RFC 4475 §3.1.2, §3.3.
import { SIP_MESSAGE_ERROR_CODES as E } from './error-codes.js';
import type { Seen } from './header-lines.js';
import { checkNameAddr, isSipDate, parseCSeq, parseUnsigned, parseViaList } from './header-values.js';
import type { SipHeaders } from './headers.js';
import { Failure } from './parse-failure.js';
import { isCallId, splitTopLevel } from './syntax.js';
import type { SipMessage } from './types.js';

function badValue(header: string): Failure {
  return new Failure(E.SIP_PARSE_BAD_HEADER_VALUE, `Malformed ${header} header`);
}

/** Checks the headers every element relies on, caching the parsed views it had to build (Via, CSeq). */
export function validateHeaders(message: SipMessage, headers: SipHeaders, seen: Seen, lenient: boolean): Failure | undefined {
  // Mandatory headers (RFC 3261 §8.1.1; RFC 4475 §3.3.1 insuf). DEVIATION: Max-Forwards is not required, as most stacks tolerate its absence.
  if (!lenient) {
    if (seen.via.length === 0) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing Via header');
    if (seen.from === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing From header');
    if (seen.to === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing To header');
    if (seen.callId === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing Call-ID header');
    if (seen.cseq === undefined) return new Failure(E.SIP_PARSE_MISSING_HEADER, 'Missing CSeq header');
  }
  // RFC 4475 §3.3.12 (multi01), §3.3.4? (mcl01): single-value headers must not repeat.
  if (seen.dup !== undefined) return new Failure(E.SIP_PARSE_DUPLICATE_HEADER, `Multiple ${seen.dup} headers`);

  if (seen.via.length > 0) {
    const vias = parseViaList(seen.via);
    if (!vias.ok) return badValue('Via');
    headers.setCached('via', vias.value);
  }
  // From and To are only checked here: getFrom()/getTo() parse them on first use.
  if (seen.from !== undefined && checkNameAddr(seen.from) !== undefined) return badValue('From');
  if (seen.to !== undefined && checkNameAddr(seen.to) !== undefined) return badValue('To');
  if (seen.callId !== undefined && !isCallId(seen.callId)) return badValue('Call-ID');
  if (seen.cseq !== undefined) {
    const cseq = parseCSeq(seen.cseq);
    if (!cseq.ok) return badValue('CSeq');
    headers.setCached('cseq', cseq.value);
    // RFC 3261 §8.1.1.5: the CSeq method matches the request method (RFC 4475 §3.1.2.17, §3.1.2.18).
    if (message.kind === 'request' && cseq.value.method !== message.method) {
      return new Failure(E.SIP_PARSE_CSEQ_MISMATCH, 'CSeq method does not match Request-Line');
    }
  }
  if (seen.maxForwards !== undefined && parseUnsigned(seen.maxForwards, 255) === undefined) return badValue('Max-Forwards');

  // Contact is only checked here (getContacts() parses it on first use): '*' alone, or name-addrs
  // whose expires parameter, when present, is delta-seconds (RFC 3261 §20.10, §10.2.1.1).
  if (seen.contact.length > 0 && !(seen.contact.length === 1 && seen.contact[0] === '*') && !contactsValid(seen.contact)) return badValue('Contact');
  if (seen.expires !== undefined && parseUnsigned(seen.expires, 2 ** 32 - 1) === undefined) return badValue('Expires');
  if (seen.date !== undefined && !isSipDate(seen.date)) return badValue('Date');
  return undefined;
}

/** Remembers the last `expires` parameter of one Contact value (a later one replaces an earlier, as in Params). */
class ExpiresParam {
  #value: string | null | undefined;
  set(name: string, value: string | null): void {
    if (name === 'expires') this.#value = value;
  }
  clear(): void {
    this.#value = undefined;
  }
  /** Absent, or delta-seconds (RFC 3261 §20.19, §10.2.1.1). */
  valid(): boolean {
    const v = this.#value;
    return v === undefined || (v !== null && parseUnsigned(v, 2 ** 32 - 1) !== undefined);
  }
}

/** True when every Contact line holds name-addrs whose expires parameter, if any, is delta-seconds. */
function contactsValid(lines: readonly string[]): boolean {
  const expires = new ExpiresParam();
  for (const line of lines) {
    const parts = splitTopLevel(line);
    if (parts === undefined) return false;
    for (const part of parts) {
      expires.clear();
      if (checkNameAddr(part, expires) !== undefined || !expires.valid()) return false;
    }
  }
  return true;
}
