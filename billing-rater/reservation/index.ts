export { ReservationStore } from './reservation-store.js';
export type { BalanceLoad, BundleLoad, CommitRequest, CommitResult, MirroredBalance, ReserveRequest, ReserveResult, StoredReservation } from './reservation-store.js';
export { raterKeys, parseLiveMember } from './keys.js';
export { scriptFailureOf } from './script-codes.js';
export type { ScriptFailure } from './script-codes.js';
