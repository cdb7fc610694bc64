import type { AuthorizeRequest, AuthorizeResponse, DenyReason } from '#lib/rater-api/index.js';
import type { RateIndexStore } from '../index/index.js';
import type { TenantState } from '../ledger/index.js';
import { maxDurationSec, usableBundles, type MinuteBundle, type Tariff } from '../rating/index.js';
import type { ReservationStore } from '../reservation/index.js';
import type { TenantDirectory } from './tenant-directory.js';

export type AuthorizerOptions = {
  store: ReservationStore;
  tenants: TenantDirectory;
  rates: RateIndexStore;
  /** Longest call ever allowed, seconds (caps free destinations). */
  maxCallSec: number;
  /** How long an admitted call counts against the concurrency limit without an end. */
  admissionTtlMs: number;
};

/** What answer/end need from an authorization beyond the API response. */
export type Authorized = { tenant: TenantState; tariff: Tariff; bundles: MinuteBundle[] };

const FREE_INBOUND: Omit<Tariff, 'currency'> = {
  prefix: '',
  rateMicrosPerMin: 0,
  connectFeeMicros: 0,
  initialIncrementSec: 1,
  subsequentIncrementSec: 1,
  effectiveFromMs: 0,
  effectiveToMs: null,
  source: { kind: 'price_plan', id: 'inbound', rowId: 'inbound' },
};

/**
 * Call-setup authorization: tenant → blocked destination → price → concurrency limit → balance.
 * Inbound calls are not charged per minute (the number subscription pays for them).
 */
export class Authorizer {
  readonly #o: AuthorizerOptions;

  constructor(options: AuthorizerOptions) {
    this.#o = options;
  }

  /** Tenant, tariff and bundles for a call, or why it cannot be rated. */
  async resolve(tenantId: string, destination: string, direction: AuthorizeRequest['direction'], atMs: number): Promise<{ ok: true; value: Authorized } | { ok: false; reason: DenyReason }> {
    const tenant = await this.#o.tenants.tenant(tenantId);
    if (!tenant) return { ok: false, reason: 'unknown_tenant' };
    if (tenant.status !== 'active') return { ok: false, reason: 'suspended_tenant' };
    if (direction === 'inbound') return { ok: true, value: { tenant, tariff: { ...FREE_INBOUND, currency: tenant.currency }, bundles: [] } };
    if (await this.#o.tenants.isBlocked(tenantId, destination)) return { ok: false, reason: 'blocked_destination' };
    const plan = tenant.pricePlanId === null ? null : await this.#o.rates.deck(tenant.pricePlanId);
    const tariff = plan?.lookup(destination, atMs);
    if (!tariff) return { ok: false, reason: 'no_rate' };
    const digits = destination.startsWith('+') ? destination.slice(1) : destination;
    return { ok: true, value: { tenant, tariff, bundles: usableBundles(tenant.bundles, digits, atMs) } };
  }

  /** Re-reads the tenant and its balance into Redis (after Redis lost the mirror). */
  async reloadBalance(tenantId: string): Promise<void> {
    await this.#o.tenants.refresh(tenantId);
  }

  async authorize(req: AuthorizeRequest): Promise<AuthorizeResponse> {
    const resolved = await this.resolve(req.tenantId, req.destination, req.direction, req.atMs);
    if (!resolved.ok) return { allowed: false, reason: resolved.reason };
    const { tenant, tariff, bundles } = resolved.value;
    // Admission and the balance mirror in one script: one round trip.
    const admitted = await this.#o.store.admit(tenant.tenantId, req.callId, req.atMs, this.#o.admissionTtlMs, tenant.maxConcurrentCalls);
    if (!admitted.ok) return { allowed: false, reason: 'limit_reached' };
    // Redis lost the mirror (restart, eviction): reload it from the ledger.
    const balance = admitted.balance ?? ((await this.#o.tenants.refresh(tenant.tenantId)) && (await this.#o.store.balance(tenant.tenantId)));
    const availableMinor = Math.max(0, balance?.availableMinor ?? 0);
    let bundleSec = 0;
    for (const b of bundles) {
      const live = balance?.bundles.get(b.id);
      if (live && live.expiresAtMs > req.atMs) bundleSec += Math.max(0, live.sec);
    }
    const price = {
      planId: tariff.source.id,
      prefix: tariff.prefix,
      rateMicrosPerMin: tariff.rateMicrosPerMin,
      connectFeeMicros: tariff.connectFeeMicros,
      initialIncrementSec: tariff.initialIncrementSec,
      subsequentIncrementSec: tariff.subsequentIncrementSec,
      currency: tariff.currency,
    };
    if (req.direction === 'inbound' || (tariff.rateMicrosPerMin === 0 && tariff.connectFeeMicros === 0)) {
      return { allowed: true, price, maxDurationSec: null, bundleSec, availableMinor };
    }
    const max = maxDurationSec(availableMinor, bundleSec, tariff, this.#o.maxCallSec);
    if (max === 0) {
      await this.#o.store.leave(tenant.tenantId, req.callId);
      return { allowed: false, reason: 'no_balance' };
    }
    return { allowed: true, price, maxDurationSec: max, bundleSec, availableMinor };
  }
}
