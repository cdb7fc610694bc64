// PostgreSQL + Redis for the rater's benchmarks: BENCH_PG_URL / BENCH_REDIS_URL when set (a migrated
// database, e.g. from `npm run up`), else an ephemeral project-local pair on free ports, migrated here.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, migrate } from '#lib/db/index.js';
import { freePort, projectRoot, startPostgres, startRedis } from '#lib/local-stack/index.js';
import type { Logger } from '#lib/log/index.js';

export type BenchStack = { pgUrl: string; redisUrl: string; stop(): Promise<void> };

export async function startBenchStack(env: NodeJS.ProcessEnv, log: Logger): Promise<BenchStack> {
  const pgEnv = env['BENCH_PG_URL'];
  const redisEnv = env['BENCH_REDIS_URL'];
  if (pgEnv && redisEnv) return { pgUrl: pgEnv, redisUrl: redisEnv, stop: () => Promise.resolve() };
  const dataRoot = mkdtempSync(join(tmpdir(), 'rater-bench-'));
  chmodSync(dataRoot, 0o711);
  const pg = await startPostgres({ dataDir: join(dataRoot, 'pg'), port: await freePort(), logDir: dataRoot, log, database: 'bench', ephemeral: true });
  const redis = await startRedis({ dataDir: join(dataRoot, 'redis'), port: await freePort(), logDir: dataRoot, log, ephemeral: true });
  const pool = createPool({ url: pg.url, log, max: 1 });
  try {
    await migrate(pool, join(projectRoot(import.meta.url), 'sql', 'migrations'), log);
  } finally {
    await pool.end();
  }
  return {
    pgUrl: pg.url,
    redisUrl: redis.url,
    stop: async () => {
      await redis.stop();
      await pg.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}
