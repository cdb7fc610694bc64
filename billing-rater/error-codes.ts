import { AppError, type AppErrorOptions } from '#lib/errors/index.js';

/** Every error code the billing rater raises. Mirrored in docs/billing.md (a unit test compares them). */
export const RATER_ERROR_CODES = {
  RATING_BAD_INPUT: 'rating input is not a safe non-negative integer',
  RESV_INSUFFICIENT_FUNDS: 'the balance cannot cover the requested reservation',
  RESV_NOT_FOUND: 'no live reservation for the call',
  RESV_LIMIT_REACHED: 'the tenant already has its maximum of concurrent calls',
  RESV_ALREADY_FINAL: 'the reservation was already committed or released',
  RESV_BALANCE_NOT_LOADED: 'the tenant balance is not loaded into Redis',
  RESV_UNKNOWN_CODE: 'a Lua script returned a code this build does not know',
  SMS_HOLD_EXPIRED: 'the SMS hold lapsed before it was settled',
  SMS_NO_PRICE: 'the price plan sells no SMS and no SMS bundle covers the destination',
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
