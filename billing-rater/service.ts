import type { Logger } from '#lib/log/index.js';
import { createServiceRuntime, attachPostgres, attachRedis, type ServiceRuntime } from '#lib/runtime/index.js';
import type { RaterConfig } from './config.js';

/** Builds the billing-rater service: the composition root that main.ts and tests call. */
export async function startRaterService(config: RaterConfig, log: Logger): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    service: 'billing-rater',
    metricsPrefix: 'rater',
    httpHost: config.HTTP_HOST,
    httpPort: config.RATER_HTTP_PORT,
    log,
  });
  attachPostgres(runtime, config.PG_URL, 'billing-rater');
  attachRedis(runtime, config.REDIS_URL);
  return runtime;
}
