export { API_ERROR_CODES } from './error-codes.js';
export type { ApiErrorCode } from './error-codes.js';
export { ApiError, notFound } from './api-error.js';
export type { FieldProblem } from './api-error.js';
export { fromPostgresError, problemHandler, problemOf } from './problem.js';
export type { Problem } from './problem.js';
