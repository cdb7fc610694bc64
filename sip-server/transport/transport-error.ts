import { AppError } from '#lib/errors/index.js';
import type { SipTransportErrorCode } from './error-codes.js';

/** A failure of the SIP transport layer (bind, connect, send). */
export class SipTransportError extends AppError {
  declare readonly code: SipTransportErrorCode;

  constructor(code: SipTransportErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? { sipStatus: 503 } : { cause: options.cause, sipStatus: 503 });
  }
}
