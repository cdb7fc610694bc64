import { AppError } from '#lib/errors/index.js';
import { API_ERROR_CODES, type ApiErrorCode } from './error-codes.js';

/** One failing field: `path` is dotted from the request part, e.g. `body.routing.uri`, `query.limit`, `line 12`. */
export type FieldProblem = { path: string; message: string };

/** An error the API answers with as application/problem+json (RFC 9457). */
export class ApiError extends AppError {
  readonly status: number;
  readonly errors: readonly FieldProblem[];

  constructor(code: ApiErrorCode, message: string, options: { errors?: readonly FieldProblem[]; cause?: unknown } = {}) {
    const status = API_ERROR_CODES[code];
    super(code, message, { httpStatus: status, cause: options.cause });
    this.status = status;
    this.errors = options.errors ?? [];
  }
}

export const notFound = (what: string): ApiError => new ApiError('API_NOT_FOUND', `${what} not found`);
