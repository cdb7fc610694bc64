import { describe, expect, it } from 'vitest';
import { RepeatingPass } from './repeating-pass.js';
import { SimulatedClock } from './simulated-clock.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('RepeatingPass', () => {
  it('runs at once, then every period after a pass ends, and keeps going after a failure', async () => {
    const clock = new SimulatedClock();
    const errors: unknown[] = [];
    let runs = 0;
    const pass = new RepeatingPass({
      clock,
      everyMs: 1_000,
      run: () => (++runs === 2 ? Promise.reject(new Error('boom')) : Promise.resolve()),
      onError: (err) => errors.push(err),
    });
    pass.start();
    clock.advance(0);
    await settle();
    expect(runs).toBe(1);
    clock.advance(999);
    await settle();
    expect(runs).toBe(1);
    clock.advance(1);
    await settle();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
    clock.advance(1_000);
    await settle();
    expect(runs).toBe(3);
    await pass.stop();
    clock.advance(5_000);
    await settle();
    expect(runs).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never overlaps passes, and stop() waits for the running one', async () => {
    const clock = new SimulatedClock();
    let release: () => void = () => undefined;
    let active = 0;
    let most = 0;
    const pass = new RepeatingPass({
      clock,
      everyMs: 10,
      run: async () => {
        most = Math.max(most, ++active);
        await new Promise<void>((r) => (release = r));
        active--;
      },
      onError: () => undefined,
    });
    pass.start();
    clock.advance(0);
    clock.advance(100);
    await settle();
    expect(most).toBe(1);
    let stopped = false;
    const stopping = pass.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(active).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
