// RFC 3261 §17 and Appendix A (timer values), RFC 6026 §8.11 (Timers L and M).

/** Base timer values; every transaction timer is derived from them. */
export type TimerConfig = {
  /** RTT estimate, default 500 ms. */
  t1Ms: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2Ms: number;
  /** Maximum time a message stays in the network, default 5 s. */
  t4Ms: number;
};

export const DEFAULT_TIMER_CONFIG: TimerConfig = Object.freeze({ t1Ms: 500, t2Ms: 4_000, t4Ms: 5_000 });

/** RFC timer names used by the machines. */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M';

/**
 * Initial duration of each timer for one transport (RFC 3261 Appendix A). On reliable
 * transports the retransmission timers A, E, G are never started, and D, I, J, K are zero.
 */
export function timerDurations(cfg: TimerConfig, reliable: boolean): Readonly<Record<TimerName, number>> {
  const t64 = 64 * cfg.t1Ms;
  return {
    A: cfg.t1Ms,
    B: t64,
    // Timer D: at least 32 s for unreliable transports.
    D: reliable ? 0 : Math.max(32_000, t64),
    E: cfg.t1Ms,
    F: t64,
    G: cfg.t1Ms,
    H: t64,
    I: reliable ? 0 : cfg.t4Ms,
    J: reliable ? 0 : t64,
    K: reliable ? 0 : cfg.t4Ms,
    L: t64,
    M: t64,
  };
}
