// /work/shared/drachtio-protocol.md §6.2: after a branch answers 401/407 with a challenge, the
// server remembers nonce → that branch's target for 2 s, so the caller's authenticated retry (a new
// request the app proxies again) goes to the same target, whatever destinations the app gives.
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { SipMessage } from '#sip-server/message/index.js';

/** How long a challenge's target is remembered (drachtio-server: 2 s). */
export const CHALLENGE_MEMORY_MS = 2000;
/** Bound on remembered challenges, so a flood of challenged calls cannot grow memory without limit. */
export const CHALLENGE_MEMORY_MAX = 10_000;

const NONCE = /\bnonce\s*=\s*"([^"]{1,256})"/i;

function nonceIn(msg: SipMessage, names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const value of msg.headers.getLines(name)) {
      const m = NONCE.exec(value);
      if (m?.[1] !== undefined) return m[1];
    }
  }
  return undefined;
}

/** nonce → target, each entry expiring on the injected clock. */
export class ChallengeMemory {
  readonly #clock: Clock;
  readonly #byNonce = new Map<string, { target: string; timer: TimerHandle }>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#byNonce.size;
  }

  /** Remembers the nonce of a 401/407 challenge that `target` sent. */
  remember(challenge: SipMessage, target: string): void {
    const nonce = nonceIn(challenge, ['www-authenticate', 'proxy-authenticate']);
    if (nonce === undefined) return;
    this.#forget(nonce);
    if (this.#byNonce.size >= CHALLENGE_MEMORY_MAX) {
      const oldest = this.#byNonce.keys().next().value;
      if (oldest !== undefined) this.#forget(oldest);
    }
    this.#byNonce.set(nonce, { target, timer: this.#clock.setTimer(CHALLENGE_MEMORY_MS, () => this.#byNonce.delete(nonce)) });
  }

  /** The target that issued the nonce this request answers, if still remembered. */
  targetFor(request: SipMessage): string | undefined {
    const nonce = nonceIn(request, ['authorization', 'proxy-authorization']);
    return nonce === undefined ? undefined : this.#byNonce.get(nonce)?.target;
  }

  #forget(nonce: string): void {
    const e = this.#byNonce.get(nonce);
    if (!e) return;
    this.#clock.clearTimer(e.timer);
    this.#byNonce.delete(nonce);
  }
}
