import { fileURLToPath } from 'node:url';
import { defineLuaScripts, type Redis } from '#lib/redis/index.js';
import { parseLiveMember, raterKeys } from '../reservation/keys.js';
import { smsKeys } from './sms-keys.js';
import { smsScriptFailureOf, type SmsScriptFailure } from './sms-script-codes.js';

/** The SMS scripts are the `<name>-<key count>.lua` files in ./lua, as `rater<Name>` commands. */
const LUA_DIR = fileURLToPath(new URL('./lua', import.meta.url));

type Reply = (number | string)[];
type SmsRedis = Redis & {
  raterSmsHold(bal: string, hold: string, live: string, ...argv: (string | number)[]): Promise<Reply>;
  raterSmsClaim(hold: string, live: string, ...argv: (string | number)[]): Promise<Reply>;
  raterSmsFinish(bal: string, hold: string, live: string, ...argv: (string | number)[]): Promise<Reply>;
};

/** An SMS bundle as the hold script sees it (PostgreSQL's remaining count seeds the mirror once). */
export type SmsBundleCandidate = { bundleId: string; remaining: number; expiresAtMs: number };

export type HoldRequest = {
  tenantId: string;
  messageId: string;
  nowMs: number;
  ttlMs: number;
  /** Message price in minor units, or null when the plan sells no SMS (only a bundle can pay). */
  priceMinor: number | null;
  currency: string;
  destination: string;
  /** Usable bundles in preference order. */
  bundles: readonly SmsBundleCandidate[];
};

export type Hold = { moneyMinor: number; bundleId: string | null; expiresAtMs: number; replay: boolean };
export type HoldResult = ({ ok: true } & Hold) | { ok: false; error: SmsScriptFailure; availableMinor: number };

/** What a claimed (or already committed) hold carries into the charge. */
export type ClaimedHold = { moneyMinor: number; bundleId: string | null; currency: string; destination: string };
export type ClaimResult =
  | ({ ok: true; committed: false } & ClaimedHold)
  | ({ ok: true; committed: true; ledgerKey: string | null } & Omit<ClaimedHold, 'destination'>)
  | { ok: false; error: SmsScriptFailure; state?: string };

export type FinishRequest = {
  tenantId: string;
  messageId: string;
  finalState: 'committed' | 'released' | 'expired';
  /** Ledger balance + credit limit and its version after the debit; null when no money moved. */
  ledger: { balanceMinor: number; version: number } | null;
  ledgerKey: string | null;
  keepMs: number;
};

export type StoredHold = { state: 'held' | 'settling' | 'committed' | 'released' | 'expired'; moneyMinor: number; bundleId: string | null; currency: string; destination: string; expiresAtMs: number; ledgerKey: string | null };

const STATES = new Set(['held', 'settling', 'committed', 'released', 'expired']);

function int(v: number | string | undefined): number {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : 0;
}
function orNull(v: string | number | undefined): string | null {
  return v === undefined || v === '' ? null : String(v);
}

/** Typed access to the SMS hold scripts. Time always comes in as a parameter. */
export class SmsHoldStore {
  readonly #redis: SmsRedis;

  constructor(redis: Redis) {
    defineLuaScripts(redis, LUA_DIR, 'rater');
    this.#redis = redis as SmsRedis;
  }

  async hold(r: HoldRequest): Promise<HoldResult> {
    const expiresAtMs = r.nowMs + r.ttlMs;
    const argv: (string | number)[] = [smsKeys.liveMember(r.tenantId, r.messageId), r.nowMs, expiresAtMs, r.priceMinor ?? -1, r.currency, r.destination];
    for (const b of r.bundles) argv.push(b.bundleId, b.remaining, b.expiresAtMs);
    const reply = await this.#redis.raterSmsHold(raterKeys.balance(r.tenantId), smsKeys.hold(r.tenantId, r.messageId), smsKeys.live(), ...argv);
    const code = int(reply[0]);
    if (code < 0) return { ok: false, error: smsScriptFailureOf(code), availableMinor: int(reply[1]) };
    return { ok: true, moneyMinor: int(reply[2]), bundleId: orNull(reply[3]), expiresAtMs: int(reply[4]), replay: code === 1 };
  }

  async claim(tenantId: string, messageId: string, nowMs: number, graceMs: number): Promise<ClaimResult> {
    const reply = await this.#redis.raterSmsClaim(smsKeys.hold(tenantId, messageId), smsKeys.live(), smsKeys.liveMember(tenantId, messageId), nowMs, nowMs + graceMs);
    const code = int(reply[0]);
    if (code < 0) return { ok: false, error: smsScriptFailureOf(code), ...(reply[1] === undefined ? {} : { state: String(reply[1]) }) };
    const held = { moneyMinor: int(reply[1]), bundleId: orNull(reply[2]), currency: String(reply[3] ?? '') };
    if (code === 1) return { ok: true, committed: true, ...held, ledgerKey: orNull(reply[4]) };
    return { ok: true, committed: false, ...held, destination: String(reply[4] ?? '') };
  }

  /** Ends a hold; returns false when it had already ended (or never existed). */
  async finish(f: FinishRequest): Promise<boolean> {
    const reply = await this.#redis.raterSmsFinish(
      raterKeys.balance(f.tenantId),
      smsKeys.hold(f.tenantId, f.messageId),
      smsKeys.live(),
      smsKeys.liveMember(f.tenantId, f.messageId),
      f.finalState,
      f.ledger === null ? '' : f.ledger.balanceMinor,
      f.ledger === null ? '' : f.ledger.version,
      f.ledgerKey ?? '',
      f.keepMs,
    );
    return int(reply[0]) === 0;
  }

  async get(tenantId: string, messageId: string): Promise<StoredHold | null> {
    const h = await this.#redis.hgetall(smsKeys.hold(tenantId, messageId));
    const state = h['state'];
    if (state === undefined || !STATES.has(state)) return null;
    return {
      state: state as StoredHold['state'],
      moneyMinor: int(h['money']),
      bundleId: orNull(h['bundle']),
      currency: h['cur'] ?? '',
      destination: h['dest'] ?? '',
      expiresAtMs: int(h['exp']),
      ledgerKey: orNull(h['lk']),
    };
  }

  /** Live holds whose expiry is ≤ `nowMs`, oldest first. */
  async expired(nowMs: number, limit: number): Promise<{ tenantId: string; messageId: string }[]> {
    const members = await this.#redis.zrangebyscore(smsKeys.live(), '-inf', nowMs, 'LIMIT', 0, limit);
    return members.map(parseLiveMember).flatMap((m) => (m ? [{ tenantId: m.tenantId, messageId: m.callId }] : []));
  }
}
