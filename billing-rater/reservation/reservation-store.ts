import type { Redis } from '#lib/redis/index.js';
import { defineRaterScripts, type RaterRedis } from '../lua/scripts.js';
import { parseLiveMember, raterKeys } from './keys.js';
import { scriptFailureOf, type ScriptFailure } from './script-codes.js';

/** A bundle's seconds and expiry as loaded into Redis. */
export type BundleLoad = { bundleId: string; remainingSec: number; expiresAtMs: number };

export type BalanceLoad = { tenantId: string; version: number; balanceMinor: number; currency: string; bundles: readonly BundleLoad[] };

export type ReserveRequest = {
  tenantId: string;
  callId: string;
  nowMs: number;
  ttlMs: number;
  ownerId: string;
  answeredAtMs: number;
  /** Call seconds covered once this reservation succeeds. */
  coveredSec: number;
  moneyDeltaMinor: number;
  bundleDeltas: readonly { bundleId: string; sec: number }[];
};

export type ReserveResult = { ok: true; availableMinor: number } | { ok: false; error: ScriptFailure; availableMinor: number };

export type CommitRequest = {
  tenantId: string;
  callId: string;
  /** Ledger balance and version after the debit; null when nothing was debited. */
  ledger: { balanceMinor: number; version: number } | null;
  bundleUsed: readonly { bundleId: string; sec: number }[];
  keepMs: number;
  finalState: 'committed' | 'released';
};

export type CommitResult = { ok: true; heldMinor: number; replay: boolean } | { ok: false; error: ScriptFailure };

/** A reservation as stored in Redis. */
export type StoredReservation = {
  tenantId: string;
  callId: string;
  state: 'live' | 'committed' | 'released';
  moneyMinor: number;
  bundleSec: Map<string, number>;
  expiresAtMs: number;
  ownerId: string;
  coveredSec: number;
  answeredAtMs: number;
  lastAtMs: number;
};

function safeInt(text: string | undefined, fallback = 0): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : fallback;
}

/** A tenant's balance mirror in Redis: money available for reservation and bundle seconds. */
export type MirroredBalance = { availableMinor: number; balanceMinor: number; reservedMinor: number; version: number; bundles: Map<string, { sec: number; expiresAtMs: number }> };

/** Reads the balance hash (load-balance-1.lua's fields); null when the mirror is not loaded. */
function mirroredBalance(h: Record<string, string>): MirroredBalance | null {
  if (h['bal'] === undefined) return null;
  const bundles = new Map<string, { sec: number; expiresAtMs: number }>();
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith('b:')) bundles.set(k.slice(2), { sec: safeInt(v), expiresAtMs: safeInt(h[`bx:${k.slice(2)}`]) });
  }
  const balanceMinor = safeInt(h['bal']);
  const reservedMinor = safeInt(h['rsv']);
  return { availableMinor: balanceMinor - reservedMinor, balanceMinor, reservedMinor, version: safeInt(h['ver'], -1), bundles };
}

/** Typed access to the reservation scripts and keys. Time always comes in as a parameter. */
export class ReservationStore {
  readonly #redis: RaterRedis;

  constructor(redis: Redis) {
    this.#redis = defineRaterScripts(redis);
  }

  /** Loads or refreshes the tenant's balance mirror; returns money available for reservation. */
  async loadBalance(load: BalanceLoad): Promise<number> {
    const argv: (string | number)[] = [load.version, load.balanceMinor, load.currency];
    for (const b of load.bundles) argv.push(b.bundleId, b.remainingSec, b.expiresAtMs);
    const [, available] = await this.#redis.raterLoadBalance(raterKeys.balance(load.tenantId), ...argv);
    return available;
  }

  /** What Redis holds for the tenant: available money and bundle seconds (null when not loaded). */
  async balance(tenantId: string): Promise<MirroredBalance | null> {
    return mirroredBalance(await this.#redis.hgetall(raterKeys.balance(tenantId)));
  }

  async reserve(r: ReserveRequest): Promise<ReserveResult> {
    const argv: (string | number)[] = [
      raterKeys.liveMember(r.tenantId, r.callId),
      r.nowMs,
      r.nowMs + r.ttlMs,
      r.moneyDeltaMinor,
      r.ownerId,
      r.coveredSec,
      r.answeredAtMs,
    ];
    for (const b of r.bundleDeltas) argv.push(b.bundleId, b.sec);
    const [code, available] = await this.#redis.raterReserve(raterKeys.balance(r.tenantId), raterKeys.reservation(r.tenantId, r.callId), raterKeys.live(), ...argv);
    return code === 0 ? { ok: true, availableMinor: available } : { ok: false, error: scriptFailureOf(code), availableMinor: available };
  }

  async commit(c: CommitRequest): Promise<CommitResult> {
    const argv: (string | number)[] = [
      raterKeys.liveMember(c.tenantId, c.callId),
      c.ledger === null ? '' : c.ledger.balanceMinor,
      c.ledger === null ? '' : c.ledger.version,
      c.keepMs,
      c.finalState,
    ];
    for (const b of c.bundleUsed) argv.push(b.bundleId, b.sec);
    const [code, held] = await this.#redis.raterCommit(raterKeys.balance(c.tenantId), raterKeys.reservation(c.tenantId, c.callId), raterKeys.live(), ...argv);
    if (code < 0) return { ok: false, error: scriptFailureOf(code) };
    return { ok: true, heldMinor: held, replay: code === 1 };
  }

  /**
   * Counts the call against the tenant's concurrent-call limit (idempotent per call id) and reads
   * the balance mirror in the same script: one round trip for authorization.
   */
  async admit(tenantId: string, callId: string, nowMs: number, ttlMs: number, limit: number): Promise<{ ok: true; balance: MirroredBalance | null } | { ok: false; error: ScriptFailure }> {
    const [code, , flat] = await this.#redis.raterAdmit(raterKeys.active(tenantId), raterKeys.balance(tenantId), callId, nowMs, nowMs + ttlMs, limit);
    if (code !== 0) return { ok: false, error: scriptFailureOf(code) };
    const h: Record<string, string> = {};
    for (let i = 0; flat && i + 1 < flat.length; i += 2) h[flat[i] ?? ''] = flat[i + 1] ?? '';
    return { ok: true, balance: mirroredBalance(h) };
  }

  /** Stops counting the call against the limit. */
  async leave(tenantId: string, callId: string): Promise<void> {
    await this.#redis.zrem(raterKeys.active(tenantId), callId);
  }

  /** Stores the facts the reconciler needs to finish the call without its owner (set once). */
  async setFacts(tenantId: string, callId: string, facts: string): Promise<void> {
    await this.#redis.hsetnx(raterKeys.reservation(tenantId, callId), 'facts', facts);
  }

  async facts(tenantId: string, callId: string): Promise<string | null> {
    return this.#redis.hget(raterKeys.reservation(tenantId, callId), 'facts');
  }

  /** Marks a live reservation as being finished by the reconciler; false when someone already did. */
  async claimForReconcile(tenantId: string, callId: string): Promise<boolean> {
    return (await this.#redis.hsetnx(raterKeys.reservation(tenantId, callId), 'reconciling', '1')) === 1;
  }

  async get(tenantId: string, callId: string): Promise<StoredReservation | null> {
    const h = await this.#redis.hgetall(raterKeys.reservation(tenantId, callId));
    const state = h['state'];
    if (state !== 'live' && state !== 'committed' && state !== 'released') return null;
    const bundleSec = new Map<string, number>();
    for (const [k, v] of Object.entries(h)) if (k.startsWith('bsec:')) bundleSec.set(k.slice(5), safeInt(v));
    return {
      tenantId,
      callId,
      state,
      moneyMinor: safeInt(h['money']),
      bundleSec,
      expiresAtMs: safeInt(h['exp']),
      ownerId: h['owner'] ?? '',
      coveredSec: safeInt(h['covered']),
      answeredAtMs: safeInt(h['answeredAt']),
      lastAtMs: safeInt(h['lastAt']),
    };
  }

  /** Live reservations whose expiry is ≤ `nowMs` (owner vanished), oldest first. */
  async expired(nowMs: number, limit: number): Promise<{ tenantId: string; callId: string }[]> {
    const members = await this.#redis.zrangebyscore(raterKeys.live(), '-inf', nowMs, 'LIMIT', 0, limit);
    return members.map(parseLiveMember).filter((m): m is { tenantId: string; callId: string } => m !== undefined);
  }
}
