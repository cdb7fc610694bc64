import { loadConfig } from '#lib/config/index.js';
import { createLogger } from '#lib/log/index.js';
import { runMain } from '#lib/runtime/index.js';
import { sipServerConfigSchema } from './config.js';
import { startSipServerService } from './service.js';

runMain(process, 'sip-server', async (env) => {
  const config = loadConfig(sipServerConfigSchema, { env });
  return startSipServerService(config, createLogger({ service: 'sip-server', level: config.LOG_LEVEL }));
});
