// Every sip-server metric, declared in one place (CONVENTIONS §3 "Metrics"); values are read at scrape time.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { UaCore } from './core/index.js';
import type { SourceGuard } from './guard/index.js';
import type { SipProxy } from './proxy/index.js';
import type { TransactionLayer } from './transaction/index.js';
import type { TransportLayer } from './transport/index.js';
import type { AdminServer } from './wire/index.js';

export type SipServerMetricSources = { admin: AdminServer; core: UaCore; layer: TransactionLayer; transport: TransportLayer; guard: SourceGuard; proxy: SipProxy };

/** Metric names and help texts (mirrored in docs/sip-server.md). */
export const SIPSRV_METRICS = {
  sipsrv_app_connections: 'drachtio app connections currently open',
  sipsrv_dialogs: 'SIP dialogs currently tracked',
  sipsrv_orphaned_dialogs: 'dialogs whose app connection dropped, waiting for SIPSRV_ORPHAN_DIALOG_GRACE_SEC before the server ends them',
  sipsrv_transactions: 'SIP transactions currently live, by kind (server, client)',
  sipsrv_app_pending_requests: 'requests waiting for an answer, by direction (inbound: app must answer, outbound: network must answer)',
  sipsrv_transport_messages_received: 'SIP messages received since start (gauge of the transport counter)',
  sipsrv_transport_garbage_dropped: 'datagrams or frames dropped as not SIP since start',
  sipsrv_transport_bad_requests_answered: 'malformed requests answered with 400/505/513 since start',
  sipsrv_transport_inbound_connections: 'inbound TCP/TLS/WS/WSS connections open (each holds a slot of SIPSRV_MAX_CONNECTIONS)',
  sipsrv_guard_banned_sources: 'source addresses banned right now by the rate limit',
  sipsrv_proxy_sessions: 'requests being proxied for apps (the proxy verb), not yet finished',
} as const;

/** Counters (cumulative since start, read from the layers at scrape time). */
export const SIPSRV_COUNTERS = {
  sipsrv_guard_bans_total: 'source addresses banned for going over SIPSRV_RATE_LIMIT_REQUESTS per window',
  sipsrv_guard_dropped_total: 'messages dropped silently, by reason (banned: source under a ban, rate_limited: the request that tripped the ban)',
  sipsrv_guard_overload_rejected_total: 'requests answered 503 because SIPSRV_MAX_SERVER_TRANSACTIONS were live',
  sipsrv_guard_connections_refused_total: 'inbound connections closed at accept, by reason (banned, per_source, total)',
  sipsrv_proxy_in_dialog_forwarded_total: 'in-dialog messages forwarded along our Record-Route without an app, by kind (request, ack)',
} as const;

export function registerSipServerMetrics(registry: Registry, s: SipServerMetricSources): void {
  const gauge = (name: keyof typeof SIPSRV_METRICS, labelNames: string[], collect: (g: Gauge) => void): void => {
    new Gauge({
      name,
      help: SIPSRV_METRICS[name],
      labelNames,
      registers: [registry],
      collect() {
        collect(this);
      },
    });
  };
  gauge('sipsrv_app_connections', [], (g) => g.set([...s.admin.connections].filter((c) => c.open).length));
  gauge('sipsrv_dialogs', [], (g) => g.set(s.core.dialogCount));
  gauge('sipsrv_orphaned_dialogs', [], (g) => g.set(s.core.orphanedDialogCount));
  gauge('sipsrv_transactions', ['kind'], (g) => {
    g.set({ kind: 'server' }, s.layer.size.server);
    g.set({ kind: 'client' }, s.layer.size.client);
  });
  gauge('sipsrv_app_pending_requests', ['direction'], (g) => {
    const p = s.core.pendingCounts;
    g.set({ direction: 'inbound' }, p.inbound);
    g.set({ direction: 'outbound' }, p.outbound);
  });
  gauge('sipsrv_transport_messages_received', [], (g) => g.set(s.transport.stats.messagesReceived));
  gauge('sipsrv_transport_garbage_dropped', [], (g) => g.set(s.transport.stats.garbageDropped));
  gauge('sipsrv_transport_bad_requests_answered', [], (g) => g.set(s.transport.stats.badRequestsAnswered));
  gauge('sipsrv_transport_inbound_connections', [], (g) => g.set(s.guard.stats.connections));
  gauge('sipsrv_guard_banned_sources', [], (g) => g.set(s.guard.stats.bannedSources));
  gauge('sipsrv_proxy_sessions', [], (g) => g.set(s.proxy.stats.sessions));
  registerGuardCounters(registry, s);
}

function registerGuardCounters(registry: Registry, s: SipServerMetricSources): void {
  /** A counter whose values are read at scrape time: `read` gives the cumulative value per label set. */
  const counter = (name: keyof typeof SIPSRV_COUNTERS, labelNames: string[], read: () => Array<[Record<string, string>, number]>): void => {
    new Counter({
      name,
      help: SIPSRV_COUNTERS[name],
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });
  };
  counter('sipsrv_guard_bans_total', [], () => [[{}, s.guard.stats.bansTotal]]);
  counter('sipsrv_guard_dropped_total', ['reason'], () => [
    [{ reason: 'banned' }, s.transport.stats.bannedDropped],
    [{ reason: 'rate_limited' }, s.transport.stats.rateLimited],
  ]);
  counter('sipsrv_guard_overload_rejected_total', [], () => [[{}, s.transport.stats.overloadRejected]]);
  counter('sipsrv_guard_connections_refused_total', ['reason'], () => {
    const r = s.guard.stats.connectionsRefusedTotal;
    return [
      [{ reason: 'banned' }, r.banned],
      [{ reason: 'per_source' }, r['per-source']],
      [{ reason: 'total' }, r.total],
    ];
  });
  counter('sipsrv_proxy_in_dialog_forwarded_total', ['kind'], () => {
    const f = s.proxy.stats.inDialog;
    return [
      [{ kind: 'request' }, f.requests],
      [{ kind: 'ack' }, f.acks],
    ];
  });
}
