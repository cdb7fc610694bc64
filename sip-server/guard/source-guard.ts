// Per-source limits on what outsiders may send, modelled on Kamailio's pike module: N requests per
// source address per window → the source is banned for a while and everything it sends is dropped
// silently; plus caps on inbound connections (per source and in total) and on live transactions.
// Only requests that create work count (out-of-dialog requests, garbage, unknown To tags); requests
// inside a dialog the server holds do not (`known`, see known-request.ts), so a busy trunk's ACKs,
// BYEs and re-INVITEs never ban it.
// Every table here is keyed by outsider data and bounded (issue 8 "hardening").
import type { Clock } from '#lib/clock/index.js';
import type { SipRequest } from '#sip-server/message/index.js';
import type { ConnectionAdmission, RequestAdmission, SourcePolicy } from '#sip-server/transport/index.js';
import type { AllowList } from './allow-list.js';
import { BanList } from './ban-list.js';
import { ConnectionCounter } from './connection-counter.js';
import { RateWindow } from './rate-window.js';
import { sourceKey } from './source-key.js';

/** Options of SourceGuard (the SIPSRV_RATE_LIMIT_*, SIPSRV_BAN_SEC and SIPSRV_MAX_* keys). */
export type SourceGuardOptions = {
  clock: Clock;
  /** Requests one source may send per window before it is banned; 0 turns rate limiting off. */
  maxRequests: number;
  windowMs: number;
  banMs: number;
  /** Sources exempt from the rate limit and the per-source connection cap. */
  allow: AllowList;
  /** Largest number of sources counted per window, and of bans held. */
  maxSources: number;
  /** Inbound stream connections in total / per source; 0 = no cap. */
  maxConnections: number;
  maxConnectionsPerSource: number;
  /** True for a request inside state the server holds (a known dialog, ACK/CANCEL of a live INVITE): not counted. */
  known?: (request: SipRequest) => boolean;
  /** True while the server takes no new work (e.g. its transaction table is full): requests get 503. */
  overloaded?: () => boolean;
};

/** Counters of the guard (exported as sipsrv_guard_* metrics). */
export type SourceGuardStats = {
  /** Sources banned right now. */
  bannedSources: number;
  bansTotal: number;
  /** Live bans dropped early because the ban list was full. */
  bansEvictedTotal: number;
  /** Requests not counted because the per-window table was full. */
  untrackedTotal: number;
  /** Inbound stream connections open now. */
  connections: number;
  connectionsRefusedTotal: Record<Exclude<ConnectionAdmission, 'accept'>, number>;
};

/** The server's SourcePolicy: rate limit with a temporary ban list, connection caps, overload check. */
export class SourceGuard implements SourcePolicy {
  readonly #o: SourceGuardOptions;
  readonly #bans: BanList;
  readonly #window: RateWindow;
  readonly #conns: ConnectionCounter;
  readonly #refused = { banned: 0, 'per-source': 0, total: 0 };

  constructor(options: SourceGuardOptions) {
    this.#o = options;
    this.#bans = new BanList(options.clock, options.banMs, options.maxSources);
    this.#window = new RateWindow(options.clock, options.windowMs, options.maxSources, () => this.#bans.sweep());
    this.#conns = new ConnectionCounter(options.maxConnections, options.maxConnectionsPerSource);
  }

  acceptsFrom(address: string): boolean {
    // Hot path (every datagram): no lookup at all while nobody is banned.
    return this.#bans.size === 0 || !this.#bans.has(sourceKey(address));
  }

  admitRequest(address: string, request?: SipRequest): RequestAdmission {
    const max = this.#o.maxRequests;
    if (max > 0 && !this.#o.allow.has(address) && (request === undefined || this.#o.known?.(request) !== true)) {
      const key = sourceKey(address);
      if (this.#window.hit(key) > max) {
        this.#bans.add(key);
        this.#window.forget(key);
        return 'drop';
      }
    }
    return this.#o.overloaded?.() === true ? 'overload' : 'accept';
  }

  admitConnection(address: string): ConnectionAdmission {
    if (!this.acceptsFrom(address)) {
      this.#refused.banned++;
      return 'banned';
    }
    const refusal = this.#conns.open(sourceKey(address), this.#o.allow.has(address));
    if (refusal === undefined) return 'accept';
    this.#refused[refusal]++;
    return refusal;
  }

  connectionClosed(address: string): void {
    this.#conns.close(sourceKey(address));
  }

  /** True while `address` (its /64 for IPv6) is banned (tests, diagnostics). */
  isBanned(address: string): boolean {
    return this.#bans.has(sourceKey(address));
  }

  get stats(): SourceGuardStats {
    this.#bans.sweep();
    return {
      bannedSources: this.#bans.size,
      bansTotal: this.#bans.bansTotal,
      bansEvictedTotal: this.#bans.evictedTotal,
      untrackedTotal: this.#window.untrackedTotal,
      connections: this.#conns.total,
      connectionsRefusedTotal: { ...this.#refused },
    };
  }
}
