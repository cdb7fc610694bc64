import type { Pool } from '#lib/db/index.js';
import { readTenantState, type TenantState } from '../ledger/index.js';
import type { ReservationStore } from '../reservation/index.js';

/**
 * Tenants' slowly changing facts (status, plan, limits, currency, bundle coverage) cached in memory,
 * and blocked prefixes. Refreshed on change events; the balance itself lives in Redis.
 */
export class TenantDirectory {
  readonly #pool: Pool;
  readonly #store: ReservationStore;
  readonly #tenants = new Map<string, Promise<TenantState | null>>();
  #blocked: Map<string, string[]> | undefined;

  constructor(pool: Pool, store: ReservationStore) {
    this.#pool = pool;
    this.#store = store;
  }

  /** The tenant, read once (and its balance mirrored into Redis when Redis does not hold it). */
  tenant(tenantId: string): Promise<TenantState | null> {
    let p = this.#tenants.get(tenantId);
    if (!p) {
      p = this.#load(tenantId);
      this.#tenants.set(tenantId, p);
      p.catch(() => this.#tenants.delete(tenantId));
    }
    return p;
  }

  /** Re-reads the tenant and refreshes its Redis balance mirror (a stale version is ignored there). */
  async refresh(tenantId: string): Promise<TenantState | null> {
    // Readers keep the cached value until the new one is ready (no request waits on a refresh).
    const state = await this.#load(tenantId);
    this.#tenants.set(tenantId, Promise.resolve(state));
    return state;
  }

  async #load(tenantId: string): Promise<TenantState | null> {
    const state = await readTenantState(this.#pool, tenantId);
    if (state) {
      await this.#store.loadBalance({
        tenantId,
        version: state.balanceVersion,
        balanceMinor: state.spendableMinor,
        currency: state.currency,
        bundles: state.bundles.map((b) => ({ bundleId: b.id, remainingSec: b.remainingSec, expiresAtMs: b.expiresAtMs })),
      });
    }
    return state;
  }

  /** Re-reads every cached tenant and the blocked prefixes (periodic safety net: pub/sub is at-most-once). */
  async refreshAll(): Promise<void> {
    this.invalidateBlocked();
    for (const tenantId of [...this.#tenants.keys()]) await this.refresh(tenantId);
  }

  /** True when `destination` starts with a prefix blocked for everyone or for this tenant. */
  async isBlocked(tenantId: string, destination: string): Promise<boolean> {
    this.#blocked ??= await this.#loadBlocked();
    const digits = destination.startsWith('+') ? destination.slice(1) : destination;
    for (const key of ['*', tenantId]) for (const p of this.#blocked.get(key) ?? []) if (digits.startsWith(p)) return true;
    return false;
  }

  /** Drops the blocked-prefix cache (next check reloads). */
  invalidateBlocked(): void {
    this.#blocked = undefined;
  }

  async #loadBlocked(): Promise<Map<string, string[]>> {
    const res = await this.#pool.query<{ tenant_id: string | null; prefix: string }>('SELECT tenant_id, prefix FROM blocked_prefixes');
    const map = new Map<string, string[]>();
    for (const r of res.rows) {
      const key = r.tenant_id ?? '*';
      map.set(key, [...(map.get(key) ?? []), r.prefix]);
    }
    return map;
  }
}
