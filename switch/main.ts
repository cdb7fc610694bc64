import { loadConfig } from '#lib/config/index.js';
import { createLogger } from '#lib/log/index.js';
import { runMain } from '#lib/runtime/index.js';
import { switchConfigSchema } from './config.js';
import { startSwitchService } from './service.js';

runMain(process, 'switch', async (env) => {
  const config = loadConfig(switchConfigSchema, { env });
  return startSwitchService(config, createLogger({ service: 'switch', level: config.LOG_LEVEL, dir: config.LOG_DIR }));
});
