import { ReservationError } from '../error-codes.js';

/** Business outcomes of the SMS hold scripts (documented in each script's header). */
export type SmsScriptFailure = 'RESV_INSUFFICIENT_FUNDS' | 'RESV_ALREADY_FINAL' | 'RESV_BALANCE_NOT_LOADED' | 'RESV_NOT_FOUND' | 'SMS_HOLD_EXPIRED' | 'SMS_NO_PRICE';

/** The one place that maps an SMS script's negative code to an error code. */
export function smsScriptFailureOf(code: number): SmsScriptFailure {
  switch (code) {
    case -1:
      return 'RESV_INSUFFICIENT_FUNDS';
    case -2:
      return 'RESV_ALREADY_FINAL';
    case -3:
      return 'RESV_BALANCE_NOT_LOADED';
    case -5:
      return 'RESV_NOT_FOUND';
    case -7:
      return 'SMS_HOLD_EXPIRED';
    case -8:
      return 'SMS_NO_PRICE';
    default:
      throw new ReservationError('RESV_UNKNOWN_CODE', `SMS Lua script returned unknown code ${code}`);
  }
}
