// Internal result types of the parser (not exported from the folder index).
import type { SipMessageErrorCode } from './error-codes.js';

/** Why parsing stopped; turned into a SipParseError by parseMessage. */
export class Failure {
  readonly code: SipMessageErrorCode;
  readonly reason: string;
  readonly status: number;
  constructor(code: SipMessageErrorCode, reason: string, status = 400) {
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

/** What parseMessage learned before a failure, for the 400 it allows. */
export type State = {
  kind: 'request' | 'response' | undefined;
  method: string | undefined;
  uri: string | undefined;
  /** Decoded header section, kept so a start-line failure can still collect the lines for a 400. */
  head: string | undefined;
};
