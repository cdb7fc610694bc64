import type { Clock, TimerHandle } from './clock.js';

type SystemHandle = TimerHandle & { readonly timeout: NodeJS.Timeout };

/** Clock backed by the process's real time and timers. Timers do not keep the process alive. */
export class SystemClock implements Clock {
  #nextId = 1;

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timeout = setTimeout(fn, Math.max(0, delayMs));
    timeout.unref();
    const handle: SystemHandle = { id: this.#nextId++, timeout };
    return handle;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle && 'timeout' in handle) clearTimeout((handle as SystemHandle).timeout);
  }
}
