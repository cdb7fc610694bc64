import type { ErrorRequestHandler } from 'express';
import type { Logger } from '#lib/log/index.js';
import { ApiError, type FieldProblem } from './api-error.js';
import type { ApiErrorCode } from './error-codes.js';

/** RFC 9457 problem details, plus our `code` and the failing field paths. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldProblem[];
};

const PROBLEM_BASE = 'https://softswitch.invalid/problems/';

export function problemOf(err: ApiError, requestId: string | undefined): Problem {
  return {
    type: PROBLEM_BASE + err.code.toLowerCase().replace(/^api_/, '').replace(/_/g, '-'),
    title: err.code,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(requestId === undefined ? {} : { instance: `urn:request:${requestId}` }),
    ...(err.errors.length > 0 ? { errors: [...err.errors] } : {}),
  };
}

type PgLikeError = { code?: unknown; constraint?: unknown; detail?: unknown; column?: unknown; message?: unknown };

/** Maps a PostgreSQL error we expect from bad input to an ApiError; undefined when it is a real fault. */
export function fromPostgresError(err: unknown): ApiError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as PgLikeError;
  if (typeof e.code !== 'string') return undefined;
  const where = typeof e.constraint === 'string' ? ` (${e.constraint})` : '';
  const map: Record<string, ApiErrorCode> = {
    '23505': 'API_CONFLICT',
    '23503': 'API_CONSTRAINT_VIOLATED',
    '23514': 'API_CONSTRAINT_VIOLATED',
    '23502': 'API_CONSTRAINT_VIOLATED',
    '23P01': 'API_CONFLICT',
    '22P02': 'API_VALIDATION_FAILED',
    '22001': 'API_VALIDATION_FAILED',
    '22003': 'API_VALIDATION_FAILED',
    '22007': 'API_VALIDATION_FAILED',
    '22008': 'API_VALIDATION_FAILED',
  };
  const code = map[e.code];
  if (code === undefined) return undefined;
  const message = code === 'API_CONFLICT' ? `conflicts with an existing record${where}` : `rejected by a data constraint${where}`;
  return new ApiError(code, message, { cause: err });
}

type BodyParserError = { type?: unknown; status?: unknown };

/** The last Express middleware: every error becomes problem+json; only real faults are 500 and logged as errors. */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = typeof res.locals['requestId'] === 'string' ? res.locals['requestId'] : undefined;
    let apiError: ApiError;
    if (err instanceof ApiError) {
      apiError = err;
    } else {
      const bp = (typeof err === 'object' && err !== null ? err : {}) as BodyParserError;
      if (bp.type === 'entity.parse.failed') apiError = new ApiError('API_BAD_JSON', 'request body is not valid JSON');
      else if (bp.type === 'entity.too.large') apiError = new ApiError('API_BODY_TOO_LARGE', 'request body is too large');
      else if (bp.type === 'encoding.unsupported' || bp.type === 'charset.unsupported') apiError = new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
      else {
        const mapped = fromPostgresError(err);
        if (mapped) {
          apiError = mapped;
        } else {
          (res.locals['log'] as Logger | undefined ?? log).error({ err, method: req.method, url: req.originalUrl }, 'request failed');
          apiError = new ApiError('API_INTERNAL', 'internal error');
        }
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(apiError.status).type('application/problem+json').send(JSON.stringify(problemOf(apiError, requestId)));
  };
}
