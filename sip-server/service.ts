import type { Logger } from '#lib/log/index.js';
import { createServiceRuntime, type ServiceRuntime } from '#lib/runtime/index.js';
import type { SipServerConfig } from './config.js';

/** Builds the sip-server service: the composition root that main.ts and tests call. */
export async function startSipServerService(config: SipServerConfig, log: Logger): Promise<ServiceRuntime> {
  const runtime = await createServiceRuntime({
    service: 'sip-server',
    metricsPrefix: 'sipsrv',
    httpHost: config.HTTP_HOST,
    httpPort: config.SIPSRV_HTTP_PORT,
    log,
  });
  return runtime;
}
