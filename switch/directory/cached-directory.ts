// The directory with an in-memory cache in front of PostgreSQL: a call setup reads five or six
// things, and at hundreds of calls a second those reads dominate. Entries live `ttlMs` at most, and
// the control plane's change events (lib/change-events) clear the affected caches at once; the TTL
// bounds staleness when an event is lost (Redis pub/sub is at-most-once).
import type { Clock } from '#lib/clock/index.js';
import type { ChangeEntity } from '#lib/change-events/index.js';
import type { Pool } from '#lib/db/index.js';
import { carrierCosts } from './carrier-costs.js';
import type { DidFacts, Directory, GatewayFacts, RouteRow, SipUserFacts } from './directory.js';
import { TtlCache } from './ttl-cache.js';

/** What call flows read; Directory answers it from PostgreSQL, CachedDirectory from memory first. */
export interface DirectoryReader {
  sipUser(realm: string, username: string): Promise<SipUserFacts | undefined>;
  did(e164: string, nowMs: number): Promise<DidFacts | undefined>;
  gatewayBySource(sourceIp: string): Promise<GatewayFacts | undefined>;
  routesFor(e164: string): Promise<RouteRow[]>;
  tenantNumbers(tenantId: string, nowMs: number): Promise<string[]>;
  carrierCosts(e164: string, gateways: readonly { gatewayId: string; carrierId: string }[], atMs: number): Promise<Map<string, number>>;
}

export class CachedDirectory implements DirectoryReader {
  readonly #db: Directory;
  readonly #pool: Pool;
  readonly #users: TtlCache<SipUserFacts | undefined>;
  readonly #dids: TtlCache<DidFacts | undefined>;
  readonly #gateways: TtlCache<GatewayFacts | undefined>;
  readonly #routes: TtlCache<RouteRow[]>;
  readonly #numbers: TtlCache<string[]>;
  readonly #costs: TtlCache<Map<string, number>>;

  constructor(options: { directory: Directory; pool: Pool; clock: Clock; ttlMs?: number }) {
    const ttl = options.ttlMs ?? 10_000;
    this.#db = options.directory;
    this.#pool = options.pool;
    this.#users = new TtlCache(options.clock, ttl);
    this.#dids = new TtlCache(options.clock, ttl);
    this.#gateways = new TtlCache(options.clock, ttl);
    this.#routes = new TtlCache(options.clock, ttl);
    this.#numbers = new TtlCache(options.clock, ttl);
    this.#costs = new TtlCache(options.clock, ttl);
  }

  sipUser(realm: string, username: string): Promise<SipUserFacts | undefined> {
    return this.#users.get(`${realm.toLowerCase()}\u0000${username}`, () => this.#db.sipUser(realm, username));
  }

  async did(e164: string, nowMs: number): Promise<DidFacts | undefined> {
    const facts = await this.#dids.get(e164, () => this.#db.did(e164, nowMs));
    return facts && facts.expiresAtMs > nowMs ? facts : undefined;
  }

  gatewayBySource(sourceIp: string): Promise<GatewayFacts | undefined> {
    return this.#gateways.get(sourceIp, () => this.#db.gatewayBySource(sourceIp));
  }

  routesFor(e164: string): Promise<RouteRow[]> {
    return this.#routes.get(e164, () => this.#db.routesFor(e164));
  }

  tenantNumbers(tenantId: string, nowMs: number): Promise<string[]> {
    return this.#numbers.get(tenantId, () => this.#db.tenantNumbers(tenantId, nowMs));
  }

  carrierCosts(e164: string, gateways: readonly { gatewayId: string; carrierId: string }[], atMs: number): Promise<Map<string, number>> {
    const key = `${e164}\u0000${gateways.map((g) => g.gatewayId).join(',')}`;
    return this.#costs.get(key, () => carrierCosts(this.#pool, e164, gateways, atMs));
  }

  /** Clears what a change to `entity` may have made stale. */
  invalidate(entity: ChangeEntity): void {
    switch (entity) {
      case 'tenant':
        this.#users.clear();
        this.#dids.clear();
        return;
      case 'sip_user':
        this.#users.clear();
        this.#dids.clear();
        return;
      case 'number':
      case 'number_subscription':
        this.#dids.clear();
        this.#numbers.clear();
        return;
      case 'route':
      case 'carrier':
      case 'gateway':
        this.#gateways.clear();
        this.#routes.clear();
        this.#costs.clear();
        return;
      case 'rate_deck':
        this.#costs.clear();
        return;
      case 'blocked_prefix':
      case 'api_key':
      case 'balance':
        return;
    }
  }
}
