export { AppError, assertNever } from './app-error.js';
export type { AppErrorOptions } from './app-error.js';
