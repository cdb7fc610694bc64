import type { Logger } from '#lib/log/index.js';
import { createServiceRuntime, attachPostgres, attachRedis, type ServiceRuntime } from '#lib/runtime/index.js';
import type { ApiConfig } from './config.js';

/** Builds the control-api service: the composition root that main.ts and tests call. */
export async function startApiService(config: ApiConfig, log: Logger): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    service: 'control-api',
    metricsPrefix: 'api',
    httpHost: config.HTTP_HOST,
    httpPort: config.API_HTTP_PORT,
    log,
  });
  attachPostgres(runtime, config.PG_URL, 'control-api');
  attachRedis(runtime, config.REDIS_URL);
  return runtime;
}
