import type { Pool } from '#lib/db/index.js';

/** A price plan's SMS price: minor units of `currency` per message; null when the plan sells no SMS. */
export type SmsPlanPrice = { smsPriceMinor: number | null; currency: string };

/** An SMS bundle as read from PostgreSQL (messages for destinations starting with any prefix). */
export type SmsBundle = { id: string; prefixes: readonly string[]; remaining: number; creditedAtMs: number; expiresAtMs: number };

function safeInt(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${what} is not a safe integer`);
  return n;
}

/**
 * The rater's cache of SMS facts beside the TenantDirectory (status, plan, blocked prefixes):
 * each price plan's `rate_decks.sms_price_minor` and each tenant's SMS bundles with messages left.
 * Read once, refreshed on change events (rate_deck, tenant, balance) and periodically; a refresh
 * swaps the entry when ready, so no message waits on it. The bundles' remaining counts only seed
 * the Redis mirror (the hold script keeps the live figure).
 */
export class SmsCatalog {
  readonly #pool: Pool;
  readonly #plans = new Map<string, Promise<SmsPlanPrice | null>>();
  readonly #bundles = new Map<string, Promise<SmsBundle[]>>();

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  planPrice(planId: string): Promise<SmsPlanPrice | null> {
    return this.#cached(this.#plans, planId, () => this.#loadPlan(planId));
  }

  bundles(tenantId: string): Promise<SmsBundle[]> {
    return this.#cached(this.#bundles, tenantId, () => this.#loadBundles(tenantId));
  }

  /** Re-reads a plan's SMS price (on a `rate_deck` change event); a plan never read is left alone. */
  async refreshPlan(planId: string): Promise<void> {
    if (this.#plans.has(planId)) this.#plans.set(planId, Promise.resolve(await this.#loadPlan(planId)));
  }

  /** Re-reads a tenant's SMS bundles (on `tenant` and `balance` change events). */
  async refreshTenant(tenantId: string): Promise<void> {
    if (this.#bundles.has(tenantId)) this.#bundles.set(tenantId, Promise.resolve(await this.#loadBundles(tenantId)));
  }

  /** Re-reads everything cached (periodic safety net: pub/sub is at-most-once). */
  async refreshAll(): Promise<void> {
    for (const planId of [...this.#plans.keys()]) await this.refreshPlan(planId);
    for (const tenantId of [...this.#bundles.keys()]) await this.refreshTenant(tenantId);
  }

  #cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = load();
      map.set(key, p);
      p.catch(() => map.delete(key));
    }
    return p;
  }

  async #loadPlan(planId: string): Promise<SmsPlanPrice | null> {
    const r = await this.#pool.query<{ sms_price_minor: string | number | null; currency: string }>('SELECT sms_price_minor, currency FROM rate_decks WHERE id = $1', [planId]);
    const row = r.rows[0];
    if (!row) return null;
    return { smsPriceMinor: row.sms_price_minor === null ? null : safeInt(row.sms_price_minor, 'sms_price_minor'), currency: row.currency };
  }

  async #loadBundles(tenantId: string): Promise<SmsBundle[]> {
    const r = await this.#pool.query<{ id: string; prefixes: string[]; messages_remaining: number; credited_at: Date; expires_at: Date }>(
      'SELECT id, prefixes, messages_remaining, credited_at, expires_at FROM sms_bundles WHERE tenant_id = $1 AND messages_remaining > 0 ORDER BY expires_at, id',
      [tenantId],
    );
    return r.rows.map((b) => ({ id: b.id, prefixes: b.prefixes, remaining: b.messages_remaining, creditedAtMs: b.credited_at.getTime(), expiresAtMs: b.expires_at.getTime() }));
  }
}

/** Bundles that may pay a message to `digits` at `atMs`, soonest-expiring first (ties by id). */
export function usableSmsBundles(bundles: readonly SmsBundle[], digits: string, atMs: number): SmsBundle[] {
  return bundles
    .filter((b) => b.remaining > 0 && b.creditedAtMs <= atMs && b.expiresAtMs > atMs && b.prefixes.some((p) => digits.startsWith(p)))
    .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
