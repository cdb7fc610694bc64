import { AppError } from '#lib/errors/index.js';
import type { SipMessageErrorCode } from './error-codes.js';
import type { SipHeaders } from './headers.js';

/**
 * What the parser had read when it failed: enough to build a `400 <reason>`
 * (RFC 3261 §8.2.6) when Via, From, To, Call-ID and CSeq lines were seen.
 */
export type SipParsePartial = {
  kind: 'request' | 'response' | undefined;
  method: string | undefined;
  /** Request-URI text when the Request-Line was readable. */
  uri: string | undefined;
  /** Raw Via, From, To, Call-ID and CSeq lines seen before (or despite) the failure. */
  headers: SipHeaders;
};

/** Why a buffer is not a valid SIP message. Returned as a value, never thrown by parseMessage. */
export class SipParseError extends AppError {
  declare readonly code: SipMessageErrorCode;
  /** Text fit for the reason phrase of the 400 (or 505) response, e.g. "Malformed Via header". */
  readonly reason: string;
  readonly partial: SipParsePartial;

  constructor(code: SipMessageErrorCode, reason: string, partial: SipParsePartial, sipStatus = 400) {
    super(code, reason, { sipStatus });
    this.reason = reason;
    this.partial = partial;
  }
}
