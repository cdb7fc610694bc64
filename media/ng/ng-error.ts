import { AppError } from '#lib/errors/index.js';
import type { MediaErrorCode } from '../error-codes.js';

/** A failed ng exchange with rtpengine. Maps to 500/503 at the SIP edge unless noted. */
export class NgError extends AppError {
  readonly command: string;

  constructor(code: MediaErrorCode, command: string, message: string, options: { cause?: unknown; sipStatus?: number } = {}) {
    super(code, message, { sipStatus: options.sipStatus ?? 503, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.command = command;
  }
}
