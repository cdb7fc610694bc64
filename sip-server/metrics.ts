// Every sip-server metric, declared in one place (CONVENTIONS §3 "Metrics"); values are read at scrape time.
import { Gauge, type Registry } from 'prom-client';
import type { UaCore } from './core/index.js';
import type { TransactionLayer } from './transaction/index.js';
import type { TransportLayer } from './transport/index.js';
import type { AdminServer } from './wire/index.js';

export type SipServerMetricSources = { admin: AdminServer; core: UaCore; layer: TransactionLayer; transport: TransportLayer };

/** Metric names and help texts (mirrored in docs/sip-server.md). */
export const SIPSRV_METRICS = {
  sipsrv_app_connections: 'drachtio app connections currently open',
  sipsrv_dialogs: 'SIP dialogs currently tracked',
  sipsrv_transactions: 'SIP transactions currently live, by kind (server, client)',
  sipsrv_app_pending_requests: 'requests waiting for an answer, by direction (inbound: app must answer, outbound: network must answer)',
  sipsrv_transport_messages_received: 'SIP messages received since start (gauge of the transport counter)',
  sipsrv_transport_garbage_dropped: 'datagrams or frames dropped as not SIP since start',
  sipsrv_transport_bad_requests_answered: 'malformed requests answered with 400/505/513 since start',
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
}
