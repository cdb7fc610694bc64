import { SystemClock, type Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import { createRedis } from '#lib/redis/index.js';
import { createServiceRuntime, attachPostgres, attachRedis, type ServiceRuntime } from '#lib/runtime/index.js';
import { recordingStorage } from '#media/index.js';
import { startBillingJobs } from './billing/index.js';
import { createRetentionMetrics, startRetentionJobs } from './retention/retention-jobs.js';
import type { WorkersConfig } from './config.js';

const DAY_MS = 86_400_000;

export type WorkersDeps = { clock?: Clock };

/** Builds the workers service: the composition root that main.ts and tests call. */
export async function startWorkersService(config: WorkersConfig, log: Logger, deps: WorkersDeps = {}): Promise<ServiceRuntime> {
  const clock = deps.clock ?? new SystemClock();
  const runtime = await createServiceRuntime({
    service: 'workers',
    metricsPrefix: 'jobs',
    httpHost: config.HTTP_HOST,
    httpPort: config.WORKERS_HTTP_PORT,
    log,
  });
  // Jobs act for every tenant: row-level security scope '*' (0002_app_role.sql) for the session.
  const pgUrl = new URL(config.PG_URL);
  pgUrl.searchParams.set('options', '-c app.tenant_id=*');
  const pool = attachPostgres(runtime, pgUrl.toString(), 'workers');
  const publisher = attachRedis(runtime, config.REDIS_URL);
  const connection = createRedis({ url: config.REDIS_URL, log, maxRetriesPerRequest: null });
  const jobs = await startBillingJobs({
    pool,
    connection,
    publisher,
    clock,
    log,
    prefix: config.WORKERS_QUEUE_PREFIX,
    everyMs: config.WORKERS_BILLING_EVERY_MS,
    renewAheadMs: config.WORKERS_RENEW_AHEAD_MS,
    quarantineMs: config.NUMBER_QUARANTINE_DAYS * DAY_MS,
  });
  const retention = await startRetentionJobs({
    pool,
    storage: recordingStorage(config, config.WORKERS_RECORDING_STORE_DIR),
    clock,
    log,
    quarantineMs: config.NUMBER_QUARANTINE_DAYS * DAY_MS,
    techLogDir: config.LOG_DIR,
    deleted: createRetentionMetrics(runtime.registry),
    connection,
    prefix: config.WORKERS_QUEUE_PREFIX,
    everyMs: config.WORKERS_RETENTION_EVERY_MS,
  });
  runtime.shutdown.add('billing and retention jobs', async () => {
    await Promise.all([jobs.close(), retention.close()]);
    await connection.quit().catch(() => connection.disconnect());
  });
  return runtime;
}
