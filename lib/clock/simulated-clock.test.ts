import { describe, expect, it } from 'vitest';
import { SimulatedClock } from './simulated-clock.js';

describe('SimulatedClock', () => {
  it('fires timers in deadline order, including ones set while advancing', () => {
    const clock = new SimulatedClock(1_000);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push('c'));
    clock.setTimer(100, () => {
      fired.push('a');
      clock.setTimer(50, () => fired.push('b'));
    });
    clock.advance(200);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(1_200);
    clock.advance(100);
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not fire cleared timers', () => {
    const clock = new SimulatedClock();
    let fired = false;
    const h = clock.setTimer(10, () => (fired = true));
    clock.clearTimer(h);
    clock.advance(20);
    expect(fired).toBe(false);
  });

  it('reports wall time at the deadline while a timer runs', () => {
    const clock = new SimulatedClock(0);
    let seen = -1;
    clock.setTimer(70, () => (seen = clock.now()));
    clock.advance(1_000);
    expect(seen).toBe(70);
  });
});
