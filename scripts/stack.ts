// `npm run up` (after bootstrap and build): runs PostgreSQL, Redis, rtpengine and every service on
// loopback, data under .data/, logs under .data/logs/, until Ctrl-C or SIGTERM stops them all.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPool, migrate } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import {
  DEV_INFRA_PORTS,
  LOCAL_SERVICES,
  LocalChild,
  loadOrCreateSecrets,
  projectRoot,
  startInfrastructure,
  waitUntilReady,
} from '#lib/local-stack/index.js';

const root = projectRoot();
const dataRoot = join(root, '.data');
const logDir = join(dataRoot, 'logs');
const log = createLogger({ service: 'stack', level: 'info' });

/** Under root, PostgreSQL runs as `postgres`, which must reach its data folder; else use /var/lib. */
function pgDataDir(): string {
  const preferred = join(dataRoot, 'pg');
  if (process.getuid?.() !== 0) return preferred;
  for (let d = dirname(preferred); dirname(d) !== d; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) {
        const hash = createHash('sha1').update(root).digest('hex').slice(0, 10);
        return join('/var/lib/softswitch', hash, 'pg');
      }
    } catch {
      break; // the folder does not exist yet: it will be created with default permissions
    }
  }
  return preferred;
}

async function main(): Promise<void> {
  const secrets = loadOrCreateSecrets(join(dataRoot, 'secrets.json'));
  const pgDir = pgDataDir();
  const infra = await startInfrastructure({ dataRoot, pgDataDir: pgDir, logDir, ports: DEV_INFRA_PORTS, log });
  const children: LocalChild[] = [];
  let stopping = false;
  const stopAll = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'stopping the stack');
    for (const child of [...children].reverse()) await child.stop();
    await infra.stop();
    log.info('stack stopped');
    process.exit(exitCode);
  };
  process.once('SIGINT', () => void stopAll('SIGINT'));
  process.once('SIGTERM', () => void stopAll('SIGTERM'));

  try {
    const pool = createPool({ url: infra.postgres.url, log, max: 1 });
    await migrate(pool, join(root, 'sql', 'migrations'), log);
    await pool.end();

    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...secrets,
      PG_URL: infra.postgres.url,
      REDIS_URL: infra.redis.url,
      RTPENGINE_NG: infra.rtpengineNg,
      RECORDINGS_DIR: join(dataRoot, 'recordings'),
    };
    // The switch connects to the embedded sip-server's drachtio admin port with its secret.
    env['SWITCH_DRACHTIO_SECRET'] ??= env['SIPSRV_SECRET'] ?? '';
    env['SWITCH_DRACHTIO_PORT'] ??= env['SIPSRV_ADMIN_PORT'] ?? '9022';
    // rtpengine writes pcaps into recordings/spool (lib/local-stack); the switch stores recordings beside it.
    env['SWITCH_RECORDING_SPOOL_DIR'] ??= join(dataRoot, 'recordings', 'spool');
    env['SWITCH_RECORDING_STORE_DIR'] ??= join(dataRoot, 'recordings', 'store');
    env['API_RECORDING_STORE_DIR'] ??= env['SWITCH_RECORDING_STORE_DIR'];
    env['WORKERS_RECORDING_STORE_DIR'] ??= env['SWITCH_RECORDING_STORE_DIR'];
    // Technical logs as daily files, deleted by the workers 30 days after their last line (docs/privacy.md).
    env['LOG_DIR'] ??= join(logDir, 'daily');
    for (const spec of LOCAL_SERVICES) for (const [key, value] of Object.entries(spec.devEnv ?? {})) env[key] ??= value;
    for (const spec of LOCAL_SERVICES) {
      const port = Number(env[spec.httpPortKey] ?? spec.httpPort);
      env[spec.httpPortKey] = String(port);
      const logFile = join(logDir, `${spec.name}.log`);
      const child = new LocalChild({ name: spec.name, command: process.execPath, args: [join(root, 'dist', spec.folder, 'main.js')], env, logFile, log });
      children.push(child);
      await waitUntilReady(child, async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 30_000, logFile);
      child.exited.then((code) => {
        if (!stopping) log.error({ service: spec.name, code }, 'service exited; see its log');
      }, () => undefined);
    }

    const lines = [
      `PostgreSQL  ${infra.postgres.url}  (data ${pgDir})`,
      `Redis       ${infra.redis.url}`,
      `rtpengine   ng udp ${infra.rtpengineNg}, RTP ${DEV_INFRA_PORTS.rtpMin}-${DEV_INFRA_PORTS.rtpMax}`,
      ...LOCAL_SERVICES.flatMap((s) => [
        `${s.name.padEnd(11)} http://127.0.0.1:${env[s.httpPortKey]}/health  /metrics`,
        ...(s.listens?.(env) ?? []).map((l) => `${' '.repeat(12)}${l}`),
      ]),
      `logs        ${logDir}`,
      'Ctrl-C stops everything.',
    ];
    process.stdout.write(`\nstack is up:\n  ${lines.join('\n  ')}\n\n`);
  } catch (err) {
    log.error({ err }, 'stack failed to start');
    await stopAll('start-up failure', 1);
  }
}

main().catch((err: unknown) => {
  log.error({ err }, 'stack failed');
  process.exit(1);
});
