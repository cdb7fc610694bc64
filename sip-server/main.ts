import { loadConfig } from '#lib/config/index.js';
import { createLogger } from '#lib/log/index.js';
import { runMain } from '#lib/runtime/index.js';
import { cliHelp, cliToEnv, wantsHelp } from './cli.js';
import { sipServerConfigSchema } from './config.js';
import { startSipServerService } from './service.js';

// `node dist/sip-server/main.js --contact sip:127.0.0.1:5060;transport=udp,tcp --port 9022 --secret ...`
const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  process.stdout.write(cliHelp());
  process.exit(0);
}
runMain(process, 'sip-server', async (env) => {
  const config = loadConfig(sipServerConfigSchema, { env: cliToEnv(argv, env) });
  return startSipServerService(config, createLogger({ service: 'sip-server', level: config.LOG_LEVEL, dir: config.LOG_DIR }));
});
