import { AppError } from '#lib/errors/index.js';
import type { SipTransactionErrorCode } from './error-codes.js';

/** A failure in the transaction layer. Timeouts and transport errors are reported to users as values of this type. */
export class TransactionError extends AppError {
  declare readonly code: SipTransactionErrorCode;

  constructor(code: SipTransactionErrorCode, message: string, options: { cause?: unknown; sipStatus?: number } = {}) {
    super(code, message, options);
  }
}
