import { SystemClock, type Clock, type TimerHandle } from '#lib/clock/index.js';
import { CHANGE_CHANNEL_PATTERN, decodeChangeEvent } from '#lib/change-events/index.js';
import { assertNever } from '#lib/errors/index.js';
import type { Logger } from '#lib/log/index.js';
import { createRedis } from '#lib/redis/index.js';
import { createServiceRuntime, attachPostgres, type ServiceRuntime } from '#lib/runtime/index.js';
import { startRaterApi, type RaterApi } from './api/http-api.js';
import { Authorizer, TenantDirectory } from './authorization/index.js';
import { CdrQueue, CdrWriter } from './cdr/index.js';
import type { RaterConfig } from './config.js';
import { RateIndexStore } from './index/index.js';
import { createRaterMetrics } from './metrics.js';
import { Reconciler } from './reconciler/index.js';
import { CallManager } from './reservation/call-manager.js';
import { ReservationStore } from './reservation/index.js';
import { HoldSweeper, MessageMoney, SmsCatalog, SmsHoldStore } from './sms/index.js';

export type RaterDeps = { clock?: Clock };

export type RaterService = ServiceRuntime & {
  readonly api: RaterApi;
  readonly authorizer: Authorizer;
  readonly calls: CallManager;
  readonly writers: readonly CdrWriter[];
  readonly reconciler: Reconciler;
  readonly store: ReservationStore;
  readonly tenants: TenantDirectory;
  readonly rates: RateIndexStore;
  readonly messages: MessageMoney;
  readonly smsCatalog: SmsCatalog;
  readonly smsHolds: SmsHoldStore;
  readonly smsSweeper: HoldSweeper;
};

/** Builds the billing-rater service: the composition root that main.ts and tests call. */
export async function startRaterService(config: RaterConfig, log: Logger, deps: RaterDeps = {}): Promise<RaterService> {
  const clock = deps.clock ?? new SystemClock();
  const runtime = await createServiceRuntime({
    service: 'billing-rater',
    metricsPrefix: 'rater',
    httpHost: config.HTTP_HOST,
    httpPort: config.RATER_HTTP_PORT,
    log,
  });
  const metrics = createRaterMetrics(runtime.registry);
  // The rater acts for every tenant: row-level security scope '*' (0002_app_role.sql) for the session.
  const pgUrl = new URL(config.PG_URL);
  pgUrl.searchParams.set('options', '-c app.tenant_id=*');
  const pool = attachPostgres(runtime, pgUrl.toString(), 'billing-rater', 20);
  const prefix = config.RATER_REDIS_PREFIX === '' ? {} : { keyPrefix: config.RATER_REDIS_PREFIX };
  const redis = createRedis({ url: config.REDIS_URL, log, ...prefix });
  const streamRedis = Array.from({ length: config.RATER_CDR_WRITERS }, () => createRedis({ url: config.REDIS_URL, log, ...prefix }));
  const subscriber = createRedis({ url: config.REDIS_URL, log });
  runtime.addCheck({
    name: 'redis',
    check: async () => {
      await redis.ping();
    },
  });
  runtime.shutdown.add('redis', async () => {
    await Promise.all([redis, ...streamRedis, subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  });

  const store = new ReservationStore(redis);
  const rates = new RateIndexStore(pool, log);
  const tenants = new TenantDirectory(pool, store);
  const queue = new CdrQueue(redis);
  const authorizer = new Authorizer({ store, tenants, rates, maxCallSec: config.RATER_MAX_CALL_SEC, admissionTtlMs: config.RATER_MAX_CALL_SEC * 1000 });
  const calls = new CallManager({
    store,
    authorizer,
    rates,
    queue,
    clock,
    log,
    metrics,
    publish: (channel, message) => redis.publish(channel, message),
    ownerId: config.RATER_INSTANCE_ID,
    intervalSec: config.RATER_INTERVAL_SEC,
    extendLeadMs: config.RATER_EXTEND_LEAD_MS,
    ttlMs: config.RATER_RESERVATION_TTL_MS,
    maxCallSec: config.RATER_MAX_CALL_SEC,
  });
  const writers = streamRedis.map(
    (conn, n) =>
      new CdrWriter({
        redis: conn,
        pool,
        store,
        log,
        metrics,
        consumer: `${config.RATER_INSTANCE_ID}-${n}`,
        batchSize: config.RATER_CDR_BATCH,
        blockMs: config.RATER_CDR_BLOCK_MS,
        keepFinishedMs: 86_400_000,
        clock,
        retryMs: 1_000,
      }),
  );
  const smsCatalog = new SmsCatalog(pool);
  const smsHolds = new SmsHoldStore(redis);
  const messages = new MessageMoney({
    holds: smsHolds,
    tenants,
    catalog: smsCatalog,
    pool,
    clock,
    log,
    metrics,
    holdTtlMs: config.RATER_SMS_HOLD_TTL_MS,
    settleGraceMs: 60_000,
    keepMs: 86_400_000,
  });
  const smsSweeper = new HoldSweeper({ holds: smsHolds, money: messages, clock, log, everyMs: config.RATER_RECONCILE_EVERY_MS, batch: 500 });
  const reconciler = new Reconciler({ store, queue, rates, clock, log, metrics, everyMs: config.RATER_RECONCILE_EVERY_MS, batch: 500 });

  await rates.refreshCostDecks();
  for (const w of writers.slice(0, 1)) await w.ensureGroup();
  await subscriber.psubscribe(CHANGE_CHANNEL_PATTERN);
  subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    const decoded = decodeChangeEvent(message);
    if (!decoded.ok) {
      log.warn({ error: decoded.error }, 'undecodable change event ignored');
      return;
    }
    const e = decoded.event;
    const work = (async () => {
      switch (e.entity) {
        case 'rate_deck':
          await rates.refresh(e.id);
          await rates.refreshCostDecks();
          await smsCatalog.refreshPlan(e.id);
          break;
        case 'carrier':
        case 'gateway':
          await rates.refreshCostDecks();
          break;
        case 'tenant':
          await tenants.refresh(e.tenantId ?? e.id);
          await smsCatalog.refreshTenant(e.tenantId ?? e.id);
          break;
        case 'balance':
          if (e.tenantId) await tenants.refresh(e.tenantId);
          if (e.tenantId) await smsCatalog.refreshTenant(e.tenantId);
          break;
        case 'blocked_prefix':
          tenants.invalidateBlocked();
          break;
        case 'sip_user':
        case 'number':
        case 'number_subscription':
        case 'route':
        case 'api_key':
          break; // nothing the rater caches
        default:
          assertNever(e.entity, 'change entity');
      }
    })();
    work.catch((err: unknown) => log.error({ err, entity: e.entity, id: e.id }, 'change event not applied'));
  });

  // Pub/sub is at-most-once: reload caches after the subscriber reconnects, and tenants periodically.
  let subscribedOnce = false;
  subscriber.on('ready', () => {
    if (!subscribedOnce) return;
    Promise.all([rates.refreshAll(), tenants.refreshAll(), smsCatalog.refreshAll()]).catch((err: unknown) => log.error({ err }, 'cache reload after reconnect failed'));
  });
  subscribedOnce = true;
  let refreshTimer: TimerHandle | undefined;
  let stopping = false;
  const refreshTenants = (): void => {
    if (stopping) return;
    refreshTimer = clock.setTimer(config.RATER_TENANT_REFRESH_MS, () => {
      Promise.all([tenants.refreshAll(), smsCatalog.refreshAll()])
        .catch((err: unknown) => log.error({ err }, 'periodic tenant refresh failed'))
        .finally(refreshTenants);
    });
  };
  refreshTenants();
  runtime.shutdown.add('tenant refresh', () => {
    stopping = true;
    clock.clearTimer(refreshTimer);
  });
  for (const w of writers) w.start();
  runtime.shutdown.add('cdr writers', async () => {
    await Promise.all(writers.map((w) => w.stop()));
  });
  reconciler.start();
  runtime.shutdown.add('reconciler', () => reconciler.stop());
  smsSweeper.start();
  runtime.shutdown.add('sms hold sweeper', () => smsSweeper.stop());
  runtime.shutdown.add('call timers', () => calls.stop());
  const api = await startRaterApi({ host: config.HTTP_HOST, port: config.RATER_API_PORT, authorizer, calls, messages, log, metrics });
  runtime.shutdown.add('rater api', () => api.close());
  log.info({ port: api.port }, 'rater API listening');
  return Object.assign(runtime, { api, authorizer, calls, writers, reconciler, store, tenants, rates, messages, smsCatalog, smsHolds, smsSweeper });
}
