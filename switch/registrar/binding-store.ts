// Registrar bindings in Redis, shared by every switch instance: one hash per address-of-record,
// field = binding key, value = JSON binding, plus a version. Updates are compare-and-set in Lua
// (WATCH cannot be used on a shared, pipelined connection), retried when another request changed
// the same AOR meanwhile.
import { fileURLToPath } from 'node:url';
import type { Clock } from '#lib/clock/index.js';
import { AppError } from '#lib/errors/index.js';
import { defineLuaScripts, type Redis } from '#lib/redis/index.js';
import { applyRegister, bindingKey, liveBindings, type Binding, type RegisterOutcome, type RegisterRequest, type RegistrarPolicy } from './bindings.js';

export type Aor = { tenantId: string; username: string };

const MAX_ATTEMPTS = 20;
const VERSION_FIELD = '~version';
const LUA_DIR = fileURLToPath(new URL('./lua', import.meta.url));

type BindingCommands = { replaceBindings(key: string, version: string, ttlMs: number, ...fieldsAndValues: string[]): Promise<number> };

export class BindingStore {
  readonly #redis: Redis & BindingCommands;
  readonly #clock: Clock;
  readonly #policy: RegistrarPolicy;
  readonly #prefix: string;

  constructor(options: { redis: Redis; clock: Clock; policy: RegistrarPolicy; keyPrefix?: string }) {
    defineLuaScripts(options.redis, LUA_DIR);
    this.#redis = options.redis as Redis & BindingCommands;
    this.#clock = options.clock;
    this.#policy = options.policy;
    this.#prefix = options.keyPrefix ?? 'reg';
  }

  /** Applies a REGISTER atomically and returns the outcome with the bindings now in force. */
  async register(aor: Aor, req: RegisterRequest): Promise<RegisterOutcome> {
    const key = this.#key(aor);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.#clock.now();
      const { version, bindings: current } = splitHash(await this.#redis.hgetall(key));
      const outcome = applyRegister(current, req, this.#policy, now);
      if (!outcome.ok) return outcome;
      const lastMs = Math.max(now, ...outcome.bindings.map((b) => b.expiresAtMs));
      const ttlMs = outcome.bindings.length > 0 ? Math.max(1, lastMs - now) : 0;
      const fields = outcome.bindings.flatMap((b) => [bindingKey(b), JSON.stringify(b)]);
      if ((await this.#redis.replaceBindings(key, version, ttlMs, ...fields)) === 1) return outcome;
    }
    throw new AppError('REGISTRAR_CONTENTION', `bindings of ${aor.username} kept changing during ${MAX_ATTEMPTS} attempts`);
  }

  /** The live bindings of an AOR: where to ring the user's devices. */
  async lookup(aor: Aor): Promise<Binding[]> {
    return liveBindings(splitHash(await this.#redis.hgetall(this.#key(aor))).bindings, this.#clock.now());
  }

  #key(aor: Aor): string {
    return `${this.#prefix}:{${aor.tenantId}}:${aor.username}`;
  }
}

function splitHash(hash: Record<string, string>): { version: string; bindings: Binding[] } {
  const bindings: Binding[] = [];
  for (const [field, value] of Object.entries(hash)) if (field !== VERSION_FIELD) bindings.push(JSON.parse(value) as Binding);
  return { version: hash[VERSION_FIELD] ?? '0', bindings };
}
