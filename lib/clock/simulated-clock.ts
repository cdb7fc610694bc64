import type { Clock, TimerHandle } from './clock.js';

type Pending = { handle: TimerHandle; dueMs: number; seq: number; fn: () => void };

/**
 * A clock that moves only when told to. `advance(ms)` fires due timers in
 * deadline order (ties in creation order), including timers set while advancing.
 */
export class SimulatedClock implements Clock {
  #nowMs: number;
  #monoMs = 0;
  #seq = 0;
  #pending = new Map<number, Pending>();

  constructor(startEpochMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startEpochMs;
  }

  now(): number {
    return this.#nowMs;
  }

  monotonic(): number {
    return this.#monoMs;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const seq = ++this.#seq;
    const handle: TimerHandle = { id: seq };
    this.#pending.set(seq, { handle, dueMs: this.#monoMs + Math.max(0, delayMs), seq, fn });
    return handle;
  }

  clearTimer(handle: TimerHandle | undefined): void {
    if (handle) this.#pending.delete(handle.id);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#pending.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const targetMono = this.#monoMs + ms;
    for (;;) {
      const next = this.#nextDue();
      if (!next || next.dueMs > targetMono) break;
      this.#pending.delete(next.seq);
      this.#nowMs += next.dueMs - this.#monoMs;
      this.#monoMs = next.dueMs;
      next.fn();
    }
    this.#nowMs += targetMono - this.#monoMs;
    this.#monoMs = targetMono;
  }

  /** Sets wall-clock time without firing timers (e.g. to jump to a date). */
  setNow(epochMs: number): void {
    this.#nowMs = epochMs;
  }

  #nextDue(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.#pending.values()) {
      if (!best || p.dueMs < best.dueMs || (p.dueMs === best.dueMs && p.seq < best.seq)) best = p;
    }
    return best;
  }
}
