import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import { startPostgres, type LocalPostgres } from './postgres.js';
import { startRedis, type LocalRedis } from './redis.js';
import { startRtpengine, type LocalRtpengine } from './rtpengine.js';

export type InfrastructurePorts = {
  postgres: number;
  redis: number;
  rtpengineNg: number;
  rtpMin: number;
  rtpMax: number;
};

export type InfrastructureOptions = {
  /** Folder holding pg/, redis/, recordings/ (and logs/ unless logDir is given). */
  dataRoot: string;
  /** PostgreSQL's data folder when it cannot live under dataRoot (see startPostgres). */
  pgDataDir?: string;
  logDir?: string;
  ports: InfrastructurePorts;
  log: Logger;
  /** Test clusters: no fsync, no Redis persistence. */
  ephemeral?: boolean;
  database?: string;
  /** rtpengine's --timeout: seconds without media before it drops a call. */
  rtpTimeoutSec?: number;
};

export type Infrastructure = {
  readonly postgres: LocalPostgres;
  readonly redis: LocalRedis;
  readonly rtpengine: LocalRtpengine;
  /** `host:port` of rtpengine's ng socket. */
  readonly rtpengineNg: string;
  stop(): Promise<void>;
};

/**
 * Starts project-local PostgreSQL, Redis and rtpengine on loopback, in parallel.
 * Shared by the local stack runner (`npm run up`) and the test global setup.
 */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const logDir = options.logDir ?? join(options.dataRoot, 'logs');
  const ephemeral = options.ephemeral ?? false;
  const results = await Promise.allSettled([
    startPostgres({
      dataDir: options.pgDataDir ?? join(options.dataRoot, 'pg'),
      port: options.ports.postgres,
      logDir,
      log: options.log,
      ephemeral,
      ...(options.database === undefined ? {} : { database: options.database }),
    }),
    startRedis({ dataDir: join(options.dataRoot, 'redis'), port: options.ports.redis, logDir, log: options.log, ephemeral }),
    startRtpengine({
      ngPort: options.ports.rtpengineNg,
      portMin: options.ports.rtpMin,
      portMax: options.ports.rtpMax,
      logDir,
      log: options.log,
      recordingDir: join(options.dataRoot, 'recordings', 'spool'),
      ...(options.rtpTimeoutSec === undefined ? {} : { timeoutSec: options.rtpTimeoutSec }),
    }),
  ]);
  const [pgR, redisR, rtpR] = results;
  if (pgR.status === 'rejected' || redisR.status === 'rejected' || rtpR.status === 'rejected') {
    await Promise.all(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop()] : [])));
    const reasons = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    throw new Error(`local infrastructure failed to start:\n  ${reasons.join('\n  ')}`);
  }
  const postgres = pgR.value;
  const redis = redisR.value;
  const rtpengine = rtpR.value;
  return {
    postgres,
    redis,
    rtpengine,
    rtpengineNg: `${rtpengine.host}:${rtpengine.ngPort}`,
    stop: async () => {
      await Promise.all([rtpengine.stop(), redis.stop(), postgres.stop()]);
    },
  };
}
