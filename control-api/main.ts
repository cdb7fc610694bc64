import { loadConfig } from '#lib/config/index.js';
import { createLogger } from '#lib/log/index.js';
import { runMain } from '#lib/runtime/index.js';
import { apiConfigSchema } from './config.js';
import { startApiService } from './service.js';

runMain(process, 'control-api', async (env) => {
  const config = loadConfig(apiConfigSchema, { env });
  return startApiService(config, createLogger({ service: 'control-api', level: config.LOG_LEVEL, dir: config.LOG_DIR }));
});
