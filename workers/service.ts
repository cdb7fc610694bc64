import type { Logger } from '#lib/log/index.js';
import { createServiceRuntime, attachPostgres, attachRedis, type ServiceRuntime } from '#lib/runtime/index.js';
import type { WorkersConfig } from './config.js';

/** Builds the workers service: the composition root that main.ts and tests call. */
export async function startWorkersService(config: WorkersConfig, log: Logger): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    service: 'workers',
    metricsPrefix: 'jobs',
    httpHost: config.HTTP_HOST,
    httpPort: config.WORKERS_HTTP_PORT,
    log,
  });
  attachPostgres(runtime, config.PG_URL, 'workers');
  attachRedis(runtime, config.REDIS_URL);
  return runtime;
}
