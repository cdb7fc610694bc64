import { loadConfig } from '#lib/config/index.js';
import { createLogger } from '#lib/log/index.js';
import { runMain } from '#lib/runtime/index.js';
import { raterConfigSchema } from './config.js';
import { startRaterService } from './service.js';

runMain(process, 'billing-rater', async (env) => {
  const config = loadConfig(raterConfigSchema, { env });
  return startRaterService(config, createLogger({ service: 'billing-rater', level: config.LOG_LEVEL, dir: config.LOG_DIR }));
});
