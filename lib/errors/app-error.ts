/** Options shared by every application error. */
export type AppErrorOptions = {
  cause?: unknown;
  /** Hint for the SIP edge: the final response code this error maps to. */
  sipStatus?: number;
  /** Hint for the HTTP edge: the status this error maps to. */
  httpStatus?: number;
};

/**
 * Base of every error the code base throws on purpose. `code` is UPPER_SNAKE
 * with an area prefix (SIP_, TXN_, WIRE_, NG_, RATING_, RESV_, LEDGER_, API_, CONFIG_ …)
 * and is listed in docs/errors.md.
 */
export class AppError extends Error {
  readonly code: string;
  readonly sipStatus: number | undefined;
  readonly httpStatus: number | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.sipStatus = options.sipStatus;
    this.httpStatus = options.httpStatus;
  }
}

/** Exhaustiveness check for switches over unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new AppError('INTERNAL_UNREACHABLE', `unexpected ${what}: ${String(value)}`);
}
