// Reservation lifecycle of one answered call, as the owning rater process sees it.
// answering → live (first interval held) → live (each extension) → cut_scheduled (balance runs out at
// a known second) → ended. Legal moves are data; transition() refuses the rest.
import { AppError } from '#lib/errors/index.js';

export type ReservationState = 'answering' | 'live' | 'cut_scheduled' | 'ended';

const LEGAL: Readonly<Record<ReservationState, readonly ReservationState[]>> = {
  answering: ['live', 'cut_scheduled', 'ended'],
  live: ['live', 'cut_scheduled', 'ended'],
  cut_scheduled: ['ended'],
  ended: [],
};

/** Checks a move of the reservation machine; throws STATE_ILLEGAL_TRANSITION for an illegal one. */
export function nextReservationState(from: ReservationState, to: ReservationState): ReservationState {
  if (!LEGAL[from].includes(to)) throw new AppError('STATE_ILLEGAL_TRANSITION', `reservation cannot go from ${from} to ${to}`);
  return to;
}
