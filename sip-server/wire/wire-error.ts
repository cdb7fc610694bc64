import { AppError, type AppErrorOptions } from '#lib/errors/index.js';
import type { WireErrorCode } from './error-codes.js';

/** An error of the drachtio wire protocol layer. */
export class WireProtocolError extends AppError {
  declare readonly code: WireErrorCode;

  constructor(code: WireErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
