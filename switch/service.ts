import type { Logger } from '#lib/log/index.js';
import { createServiceRuntime, attachRedis, checkRtpengine, type ServiceRuntime } from '#lib/runtime/index.js';
import type { SwitchConfig } from './config.js';

/** Builds the switch service: the composition root that main.ts and tests call. */
export async function startSwitchService(config: SwitchConfig, log: Logger): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    service: 'switch',
    metricsPrefix: 'switch',
    httpHost: config.HTTP_HOST,
    httpPort: config.SWITCH_HTTP_PORT,
    log,
  });
  attachRedis(runtime, config.REDIS_URL);
  checkRtpengine(runtime, config.RTPENGINE_NG);
  return runtime;
}
