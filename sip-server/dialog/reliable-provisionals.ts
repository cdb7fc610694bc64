// RFC 3262 §3: the UAS side of reliable provisional responses for one INVITE.
// States: idle (nothing unacknowledged) → awaiting-prack (one reliable 1xx out) → idle | stopped.
// The machine does no I/O: it numbers responses (RSeq), asks `send` to (re)transmit them, and calls
// `onTimeout` when a 1xx stays unacknowledged for 64*T1.
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import { AppError } from '#lib/errors/index.js';
import type { SipResponse } from '#sip-server/message/index.js';
import { DIALOG_ERROR_CODES } from './error-codes.js';
import type { RAck } from './rel100.js';

export type ReliableState = 'idle' | 'awaiting-prack' | 'stopped';

const LEGAL: Record<ReliableState, readonly ReliableState[]> = {
  idle: ['awaiting-prack', 'stopped'],
  'awaiting-prack': ['idle', 'stopped'],
  stopped: [],
};

export type ReliableProvisionalsOptions = {
  clock: Clock;
  t1Ms: number;
  /**
   * False on UDP: the 1xx is retransmitted (RFC 3262 §3). True on TCP/TLS/WS: only the 64*T1 limit runs.
   * DEVIATION: RFC 3262 §3 names no transport exception; like RFC 3261's 2xx retransmission (§13.3.1.4)
   * we leave delivery over a reliable hop to that transport.
   */
  reliableTransport: boolean;
  /** RFC 3262 §3: the first RSeq is chosen at random in 1..2^31-1. */
  firstRSeq: number;
  /** CSeq number of the INVITE the 1xx answer (matched against RAck's CSeq-num). */
  inviteSeq: number;
  /** Sends (or re-sends) a numbered 1xx through the INVITE server transaction. */
  send: (response: SipResponse) => void;
  /** RFC 3262 §3: no PRACK for 64*T1; the UAS should reject the INVITE with a 5xx. */
  onTimeout: () => void;
};

/** Outcome of a PRACK (RFC 3262 §3: one that matches no unacknowledged 1xx gets 481). */
export type PrackMatch = 'acknowledged' | 'no-match';

export class UasReliableProvisionals {
  readonly #o: ReliableProvisionalsOptions;
  #state: ReliableState = 'idle';
  #nextRSeq: number;
  /** The 1xx on the wire waiting for its PRACK. */
  #current: { response: SipResponse; rseq: number } | undefined;
  /** RFC 3262 §3: a further reliable 1xx waits until the previous one is acknowledged. */
  readonly #queue: { response: SipResponse; rseq: number }[] = [];
  #timer: TimerHandle | undefined;
  #intervalMs = 0;
  #elapsedMs = 0;

  constructor(o: ReliableProvisionalsOptions) {
    this.#o = o;
    this.#nextRSeq = o.firstRSeq;
  }

  get state(): ReliableState {
    return this.#state;
  }

  /** RSeq of the 1xx waiting for a PRACK, if any. */
  get unacknowledged(): number | undefined {
    return this.#current?.rseq;
  }

  /**
   * §3: numbers `response` (RSeq, one more than the previous) and sends it now, or queues it while
   * an earlier reliable 1xx is unacknowledged. Returns the RSeq given.
   */
  offer(response: SipResponse): number {
    if (this.#state === 'stopped') throw new AppError(DIALOG_ERROR_CODES.DIALOG_ILLEGAL_TRANSITION, 'reliable 1xx after the final response');
    const rseq = this.#nextRSeq++;
    response.headers.set('RSeq', String(rseq));
    const item = { response, rseq };
    if (this.#state === 'awaiting-prack') this.#queue.push(item);
    else this.#start(item);
    return rseq;
  }

  /** §3: a PRACK whose RAck names the unacknowledged 1xx stops its retransmission; the next queued 1xx goes out. */
  prack(rack: RAck | undefined): PrackMatch {
    const cur = this.#current;
    if (!rack || !cur || rack.rseq !== cur.rseq || rack.cseq !== this.#o.inviteSeq || rack.method !== 'INVITE') return 'no-match';
    this.#o.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#current = undefined;
    this.#transition('idle');
    const next = this.#queue.shift();
    if (next) this.#start(next);
    return 'acknowledged';
  }

  /** The final response was sent (or the INVITE ended): nothing more is retransmitted or sent. */
  stop(): void {
    if (this.#state === 'stopped') return;
    this.#o.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#current = undefined;
    this.#queue.length = 0;
    this.#transition('stopped');
  }

  #start(item: { response: SipResponse; rseq: number }): void {
    this.#current = item;
    this.#transition('awaiting-prack');
    this.#intervalMs = this.#o.t1Ms;
    this.#elapsedMs = 0;
    this.#o.send(item.response);
    this.#schedule();
  }

  /** §3: retransmit at T1, 2*T1, 4*T1 … (no T2 cap in RFC 3262) until 64*T1 has passed. */
  #schedule(): void {
    const limitMs = 64 * this.#o.t1Ms;
    const delay = this.#o.reliableTransport ? limitMs - this.#elapsedMs : Math.min(this.#intervalMs, limitMs - this.#elapsedMs);
    this.#timer = this.#o.clock.setTimer(delay, () => {
      this.#elapsedMs += delay;
      const cur = this.#current;
      if (!cur) return;
      if (this.#elapsedMs >= limitMs) {
        this.stop();
        this.#o.onTimeout();
        return;
      }
      this.#o.send(cur.response);
      this.#intervalMs *= 2;
      this.#schedule();
    });
  }

  #transition(to: ReliableState): void {
    if (!LEGAL[this.#state].includes(to)) {
      throw new AppError(DIALOG_ERROR_CODES.DIALOG_ILLEGAL_TRANSITION, `reliable provisionals ${this.#state} → ${to}`);
    }
    this.#state = to;
  }
}
