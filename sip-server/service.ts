import type { Clock } from '#lib/clock/index.js';
import { SystemClock } from '#lib/clock/index.js';
import { CryptoIdSource, type IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { createServiceRuntime, type ServiceRuntime } from '#lib/runtime/index.js';
import { formatHostports, StackAdapter, UaCore, type ListeningTransport } from './core/index.js';
import { AllowList, isKnownRequest, SourceGuard, type KnownRequestLookups } from './guard/index.js';
import { SipProxy, TIMER_C_MS } from './proxy/index.js';
import { TransactionLayer } from './transaction/index.js';
import { generateSelfSignedCert, parseContacts, TransportLayer, type ContactSpec, type TlsOptions } from './transport/index.js';
import { AdminServer, RouteTable, type AppConnection } from './wire/index.js';
import type { SipServerConfig } from './config.js';
import { registerSipServerMetrics } from './metrics.js';

/** Version reported to apps in `authenticate` (srf needs `vX.Y.Z`, ≥ v0.8.2 enables pings). */
export const DRACHTIO_COMPAT_VERSION = 'v0.9.4';

/** The running SIP server, for main.ts and tests. */
export type SipServerService = ServiceRuntime & {
  sip: {
    adminPort: number;
    listening: readonly ListeningTransport[];
    core: UaCore;
    proxy: SipProxy;
    admin: AdminServer;
    guard: SourceGuard;
  };
};

/** Optional collaborators (tests may inject a seeded IdSource). */
export type SipServerDeps = { clock?: Clock; ids?: IdSource };

/** Builds the sip-server service: the composition root that main.ts and tests call. */
export async function startSipServerService(config: SipServerConfig, log: Logger, deps: SipServerDeps = {}): Promise<SipServerService> {
  const clock = deps.clock ?? new SystemClock();
  const ids = deps.ids ?? new CryptoIdSource();
  const runtime = await createServiceRuntime({
    service: 'sip-server',
    metricsPrefix: 'sipsrv',
    httpHost: config.HTTP_HOST,
    httpPort: config.SIPSRV_HTTP_PORT,
    log,
  });
  try {
    const contacts = parseContacts(config.SIPSRV_CONTACTS, config.SIPSRV_EXTERNAL_IP);
    // The guard reads the transaction table (overload) and the dialog table (requests it does not
    // count), which are built after the transport layer.
    const built: { layer?: TransactionLayer; core?: UaCore } = {};
    const guard = buildSourceGuard(config, clock, () => built.layer?.size.server ?? 0, {
      hasDialog: (callId, toTag, fromTag) => built.core?.hasDialog(callId, toTag, fromTag) === true,
      hasInviteTransaction: (request) => built.layer?.findInviteServerTransaction(request) !== undefined,
    });
    const transport = await TransportLayer.create({
      contacts,
      log: log.child({ layer: 'transport' }),
      clock,
      idleTimeoutMs: config.SIPSRV_IDLE_TIMEOUT_MS,
      maxMessageBytes: config.SIPSRV_MAX_MESSAGE_BYTES,
      maxHeaders: config.SIPSRV_MAX_HEADERS,
      policy: guard,
      ...(await tlsMaterial(config, contacts, clock, log)),
    });
    runtime.shutdown.add('sip transports', () => transport.close());
    const timers = { t1Ms: config.SIPSRV_T1_MS, t2Ms: config.SIPSRV_T2_MS, t4Ms: config.SIPSRV_T4_MS };
    const stack = new StackAdapter(transport, log);
    const routes = new RouteTable<AppConnection>();
    const core = new UaCore({
      stack,
      routes,
      clock,
      ids,
      log: log.child({ layer: 'core' }),
      timers,
      cdrs: config.SIPSRV_CDRS,
      outboundProxy: config.SIPSRV_OUTBOUND_PROXY,
      orphanGraceMs: config.SIPSRV_ORPHAN_DIALOG_GRACE_SEC * 1000,
    });
    built.core = core;
    runtime.shutdown.add('sip core timers', () => core.close());
    const proxy = new SipProxy({
      stack,
      clock,
      ids,
      log: log.child({ layer: 'proxy' }),
      t1Ms: timers.t1Ms,
      timerCMs: TIMER_C_MS,
      outboundProxy: config.SIPSRV_OUTBOUND_PROXY,
      cdr: (e) => core.emitCdr(e),
    });
    core.attachProxy(proxy);
    const layer = new TransactionLayer({ transport, user: stack, clock, ids, log: log.child({ layer: 'transaction' }), timers });
    built.layer = layer;
    stack.attach(layer, core);
    transport.setUser(layer);
    runtime.shutdown.add('sip transactions', () => layer.close());
    const listening = transport.listening();
    const admin = await AdminServer.listen({
      host: config.SIPSRV_ADMIN_HOST,
      port: config.SIPSRV_ADMIN_PORT,
      identity: {
        secret: config.SIPSRV_SECRET,
        version: DRACHTIO_COMPAT_VERSION,
        hostports: () => formatHostports(listening, 'external'),
        localHostports: () => formatHostports(listening, 'local'),
      },
      user: core,
      routes,
      ids,
      clock,
      authTimeoutMs: config.SIPSRV_ADMIN_AUTH_TIMEOUT_MS,
      maxConnections: config.SIPSRV_ADMIN_MAX_CONNECTIONS,
      log: log.child({ layer: 'wire' }),
    });
    runtime.shutdown.add('drachtio admin listener', () => admin.close());
    registerSipServerMetrics(runtime.registry, { admin, core, layer, transport, guard, proxy });
    log.info({ sip: formatHostports(listening, 'local'), adminPort: admin.port }, 'sip-server listening');
    return { ...runtime, sip: { adminPort: admin.port, listening, core, proxy, admin, guard } };
  } catch (err) {
    await runtime.shutdown.run('start failed');
    throw err;
  }
}

/** The rate limit, ban list and caps of SIPSRV_RATE_LIMIT_*, SIPSRV_BAN_SEC, SIPSRV_MAX_* (see docs/sip-server.md "Hardening"). */
function buildSourceGuard(config: SipServerConfig, clock: Clock, serverTransactions: () => number, lookups: KnownRequestLookups): SourceGuard {
  const maxTxns = config.SIPSRV_MAX_SERVER_TRANSACTIONS;
  return new SourceGuard({
    clock,
    maxRequests: config.SIPSRV_RATE_LIMIT_REQUESTS,
    windowMs: config.SIPSRV_RATE_LIMIT_WINDOW_MS,
    banMs: config.SIPSRV_BAN_SEC * 1000,
    allow: AllowList.parse(config.SIPSRV_RATE_LIMIT_ALLOW),
    maxSources: config.SIPSRV_GUARD_MAX_SOURCES,
    maxConnections: config.SIPSRV_MAX_CONNECTIONS,
    maxConnectionsPerSource: config.SIPSRV_MAX_CONNECTIONS_PER_SOURCE,
    known: (request) => isKnownRequest(request, lookups),
    overloaded: () => maxTxns > 0 && serverTransactions() >= maxTxns,
  });
}

/** TLS material for tls/wss contacts: configured, or a self-signed pair for local use. */
async function tlsMaterial(config: SipServerConfig, contacts: readonly ContactSpec[], clock: Clock, log: Logger): Promise<{ tls?: TlsOptions }> {
  const ca = config.SIPSRV_TLS_CA === undefined ? {} : { ca: config.SIPSRV_TLS_CA };
  if (config.SIPSRV_TLS_KEY && config.SIPSRV_TLS_CERT) return { tls: { key: config.SIPSRV_TLS_KEY, cert: config.SIPSRV_TLS_CERT, ...ca } };
  const needsTls = contacts.some((c) => c.transports.some((t) => t === 'tls' || t === 'wss'));
  if (!needsTls) return {};
  log.warn('no SIPSRV_TLS_KEY/SIPSRV_TLS_CERT: using a self-signed certificate (local use only)');
  const pair = await generateSelfSignedCert({ clock });
  return { tls: { key: pair.key, cert: pair.cert, ...ca } };
}
