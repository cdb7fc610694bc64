import { AppError, type AppErrorOptions } from '#lib/errors/index.js';

/** Every error code the billing rater raises. Mirrored in docs/billing.md (a unit test compares them). */
export const RATER_ERROR_CODES = {
  RATING_NO_TARIFF: 'no price-plan row matches the destination at the given time',
  RATING_CURRENCY_MISMATCH: 'tariff currency differs from the tenant currency',
  RATING_BAD_INPUT: 'rating input is not a safe non-negative integer',
  RESV_INSUFFICIENT_FUNDS: 'the balance cannot cover the requested reservation',
  RESV_NOT_FOUND: 'no live reservation for the call',
  RESV_LIMIT_REACHED: 'the tenant already has its maximum of concurrent calls',
  RESV_ALREADY_FINAL: 'the reservation was already committed or released',
  RESV_BALANCE_NOT_LOADED: 'the tenant balance is not loaded into Redis',
  RESV_UNKNOWN_CODE: 'a Lua script returned a code this build does not know',
  LEDGER_ACCOUNT_MISSING: 'the tenant has no ledger account in its currency',
  LEDGER_DUPLICATE_ENTRY: 'a ledger transaction with this idempotency key already exists',
  CDR_INVALID: 'a CDR failed validation and was not queued',
} as const;

export type RaterErrorCode = keyof typeof RATER_ERROR_CODES;

export class RatingError extends AppError {
  constructor(code: RaterErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

export class ReservationError extends AppError {
  constructor(code: RaterErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

export class LedgerError extends AppError {
  constructor(code: RaterErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
