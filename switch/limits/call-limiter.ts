// Per-tenant and per-gateway caps on concurrent calls and calls per second, shared by every switch
// instance through Redis. Exceeding one yields 503 with a Reason header at the SIP edge.
import { fileURLToPath } from 'node:url';
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '#lib/clock/index.js';
import { defineLuaScripts, type Redis } from '#lib/redis/index.js';

export type LimitScope = { kind: 'tenant' | 'gateway'; id: string };
export type Limits = { maxConcurrent: number; maxCps: number };
export type AcquireResult = { ok: true } | { ok: false; limit: 'concurrent' | 'cps' };

type LimitCommands = {
  acquireSlot(active: string, starts: string, member: string, nowMs: number, maxConcurrent: number, maxCps: number, holdMs: number): Promise<number>;
  releaseSlot(active: string, member: string): Promise<number>;
};

const LUA_DIR = fileURLToPath(new URL('./lua', import.meta.url));

export type CallLimiterOptions = {
  redis: Redis;
  clock: Clock;
  registry?: Registry;
  /** How long a slot lasts without release: longer than any call may last (calls are capped by rating). */
  holdMs?: number;
  keyPrefix?: string;
};

export class CallLimiter {
  readonly #redis: Redis & LimitCommands;
  readonly #clock: Clock;
  readonly #holdMs: number;
  readonly #prefix: string;
  readonly #rejections: Counter<'scope' | 'limit'> | undefined;

  constructor(options: CallLimiterOptions) {
    defineLuaScripts(options.redis, LUA_DIR);
    this.#redis = options.redis as Redis & LimitCommands;
    this.#clock = options.clock;
    this.#holdMs = options.holdMs ?? 6 * 3600_000;
    this.#prefix = options.keyPrefix ?? 'limits';
    if (options.registry) {
      this.#rejections = new Counter({
        name: 'switch_limit_rejections_total',
        help: 'Calls refused because a concurrency or CPS limit was reached',
        labelNames: ['scope', 'limit'],
        registers: [options.registry],
      });
    }
  }

  /** Takes a slot for `member` in `scope`, or reports the limit that stops it. */
  async acquire(scope: LimitScope, member: string, limits: Limits): Promise<AcquireResult> {
    const r = await this.#redis.acquireSlot(this.#key(scope, 'active'), this.#key(scope, 'starts'), member, this.#clock.now(), limits.maxConcurrent, limits.maxCps, this.#holdMs);
    if (r === 1) return { ok: true };
    const limit = r === -1 ? 'concurrent' : 'cps';
    this.#rejections?.inc({ scope: scope.kind, limit });
    return { ok: false, limit };
  }

  /** Gives the slot back; safe to call more than once. */
  async release(scope: LimitScope, member: string): Promise<void> {
    await this.#redis.releaseSlot(this.#key(scope, 'active'), member);
  }

  /** Calls currently holding a slot in `scope`. */
  async active(scope: LimitScope): Promise<number> {
    return this.#redis.zcount(this.#key(scope, 'active'), this.#clock.now() + 1, '+inf');
  }

  // Hash tag {kind:id} keeps both keys of a scope in one cluster slot.
  #key(scope: LimitScope, what: 'active' | 'starts'): string {
    return `${this.#prefix}:{${scope.kind}:${scope.id}}:${what}`;
  }
}
