import { loadConfig } from '#lib/config/index.js';
import { createLogger } from '#lib/log/index.js';
import { runMain } from '#lib/runtime/index.js';
import { workersConfigSchema } from './config.js';
import { startWorkersService } from './service.js';

runMain(process, 'workers', async (env) => {
  const config = loadConfig(workersConfigSchema, { env });
  return startWorkersService(config, createLogger({ service: 'workers', level: config.LOG_LEVEL, dir: config.LOG_DIR }));
});
