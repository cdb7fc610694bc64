import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { IdleTimer } from './idle-timer.js';

describe('IdleTimer (idle connections, RFC 5626 §3.5.1 keep-alives count as traffic)', () => {
  it('fires once after the timeout without traffic', () => {
    const clock = new SimulatedClock();
    let fired = 0;
    new IdleTimer(clock, 1_000, () => fired++);
    clock.advance(999);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    clock.advance(10_000);
    expect(fired).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('is pushed back by touch() and keeps a single timer', () => {
    const clock = new SimulatedClock();
    let fired = 0;
    const t = new IdleTimer(clock, 1_000, () => fired++);
    for (let i = 0; i < 5; i++) {
      clock.advance(600);
      t.touch();
    }
    expect(fired).toBe(0);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(999);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
  });

  it('does nothing when stopped or disabled (0)', () => {
    const clock = new SimulatedClock();
    let fired = 0;
    const t = new IdleTimer(clock, 1_000, () => fired++);
    t.stop();
    new IdleTimer(clock, 0, () => fired++);
    clock.advance(5_000);
    expect(fired).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
