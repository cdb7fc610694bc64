// RFC 3261 §8.2.6 (generating the response), §21 (reason phrases).
import { setToTag } from './accessors.js';
import { SipHeaders } from './headers.js';
import type { SipParseError } from './sip-parse-error.js';
import type { SipRequest, SipResponse } from './types.js';

/** Default reason phrases (RFC 3261 §21 and common extensions). */
export const REASON_PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Trying'], [180, 'Ringing'], [181, 'Call Is Being Forwarded'], [182, 'Queued'], [183, 'Session Progress'],
  [199, 'Early Dialog Terminated'], [200, 'OK'], [202, 'Accepted'], [204, 'No Notification'],
  [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Moved Temporarily'], [305, 'Use Proxy'],
  [380, 'Alternative Service'], [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'],
  [403, 'Forbidden'], [404, 'Not Found'], [405, 'Method Not Allowed'], [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'], [408, 'Request Timeout'], [410, 'Gone'], [412, 'Conditional Request Failed'],
  [413, 'Request Entity Too Large'], [414, 'Request-URI Too Long'], [415, 'Unsupported Media Type'],
  [416, 'Unsupported URI Scheme'], [420, 'Bad Extension'], [421, 'Extension Required'], [422, 'Session Interval Too Small'],
  [423, 'Interval Too Brief'], [429, 'Provide Referrer Identity'], [480, 'Temporarily Unavailable'],
  [481, 'Call/Transaction Does Not Exist'], [482, 'Loop Detected'], [483, 'Too Many Hops'], [484, 'Address Incomplete'],
  [485, 'Ambiguous'], [486, 'Busy Here'], [487, 'Request Terminated'], [488, 'Not Acceptable Here'],
  [489, 'Bad Event'], [491, 'Request Pending'], [493, 'Undecipherable'], [500, 'Server Internal Error'],
  [501, 'Not Implemented'], [502, 'Bad Gateway'], [503, 'Service Unavailable'], [504, 'Server Time-out'],
  [505, 'Version Not Supported'], [513, 'Message Too Large'], [580, 'Precondition Failure'],
  [600, 'Busy Everywhere'], [603, 'Decline'], [604, 'Does Not Exist Anywhere'], [606, 'Not Acceptable'],
]);

/** Options for createResponse. */
export type CreateResponseOptions = {
  /** Tag to add to To when the request's To has none (RFC 3261 §8.2.6.2). Not added to 100 Trying. */
  toTag?: string;
};

const COPIED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/**
 * Builds a response to `request` per RFC 3261 §8.2.6: copies every Via (in
 * order), From, To, Call-ID and CSeq; copies Timestamp into 100 Trying
 * (§8.2.6.1); adds the To tag when asked (never to a 100). Body empty.
 */
export function createResponse(request: SipRequest, status: number, reason?: string, options: CreateResponseOptions = {}): SipResponse {
  const headers = new SipHeaders();
  for (const key of COPIED) headers.copyFrom(request.headers, key);
  if (status === 100) headers.copyFrom(request.headers, 'timestamp');
  const response: SipResponse = {
    kind: 'response',
    status,
    reason: reason ?? REASON_PHRASES.get(status) ?? 'Unknown',
    headers,
    body: Buffer.alloc(0),
  };
  if (options.toTag !== undefined && status > 100) setToTag(response, options.toTag);
  return response;
}

/**
 * Builds the `400 <reason>` (or 505/513) answer to a request the parser
 * rejected, from the lines it managed to read. Returns undefined when the
 * input was a response, an ACK (never answered, RFC 3261 §17.2.3), or when one
 * of Via, From, To, Call-ID, CSeq is missing. Malformed values are echoed as
 * received (RFC 4475 §3.1.2 expects a 400 even for, e.g., an overlarge CSeq);
 * the transport sends the answer to the packet's source, not by the Via.
 */
export function createErrorResponse(error: SipParseError): SipResponse | undefined {
  const p = error.partial;
  if (p.kind !== 'request' || p.method === undefined || p.method === 'ACK') return undefined;
  for (const key of COPIED) if (!p.headers.has(key)) return undefined;
  const headers = new SipHeaders();
  for (const [key, value] of p.headers.entries()) {
    // Only the first of each single-value header; every Via.
    if (key === 'via' || !headers.has(key)) headers.add(key, value);
  }
  return { kind: 'response', status: error.sipStatus ?? 400, reason: error.reason, headers, body: Buffer.alloc(0) };
}
