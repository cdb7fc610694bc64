import { describe, expect, it } from 'vitest';
import { nextReservationState } from './reservation.js';

describe('reservation state machine', () => {
  it('allows the lifecycle answering → live → cut_scheduled → ended', () => {
    expect(nextReservationState('answering', 'live')).toBe('live');
    expect(nextReservationState('live', 'live')).toBe('live');
    expect(nextReservationState('live', 'cut_scheduled')).toBe('cut_scheduled');
    expect(nextReservationState('cut_scheduled', 'ended')).toBe('ended');
    expect(nextReservationState('answering', 'cut_scheduled')).toBe('cut_scheduled');
  });

  it('refuses illegal moves', () => {
    expect(() => nextReservationState('ended', 'live')).toThrow(/STATE_ILLEGAL_TRANSITION|cannot go/);
    expect(() => nextReservationState('cut_scheduled', 'live')).toThrow(/cannot go/);
    expect(() => nextReservationState('ended', 'ended')).toThrow(/cannot go/);
  });
});
