import { ReservationError } from '../error-codes.js';

/** Business outcome codes returned by the rater's Lua scripts (documented in each script's header). */
export type ScriptFailure = 'RESV_INSUFFICIENT_FUNDS' | 'RESV_ALREADY_FINAL' | 'RESV_BALANCE_NOT_LOADED' | 'RESV_NOT_FOUND' | 'RESV_LIMIT_REACHED';

/**
 * The one place that maps a Lua script's negative code to an error code (BullMQ's finished-errors
 * practice). Codes ≥ 0 are successes and never reach here.
 */
export function scriptFailureOf(code: number): ScriptFailure {
  switch (code) {
    case -1:
    case -4:
      return 'RESV_INSUFFICIENT_FUNDS';
    case -2:
      return 'RESV_ALREADY_FINAL';
    case -3:
      return 'RESV_BALANCE_NOT_LOADED';
    case -5:
      return 'RESV_NOT_FOUND';
    case -6:
      return 'RESV_LIMIT_REACHED';
    default:
      throw new ReservationError('RESV_UNKNOWN_CODE', `Lua script returned unknown code ${code}`);
  }
}
