import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { findOnPath } from './binaries.js';
import { LocalChild, waitUntilReady } from './child.js';

export type LocalRedisOptions = {
  dataDir: string;
  port: number;
  logDir: string;
  log: Logger;
  /** No persistence (tests). */
  ephemeral?: boolean;
};

export type LocalRedis = { readonly port: number; readonly url: string; stop(): Promise<void> };

/** Starts a project-local redis-server on 127.0.0.1:`port` with its files in `dataDir`. */
export async function startRedis(options: LocalRedisOptions): Promise<LocalRedis> {
  const bin = findOnPath('redis-server');
  if (!bin) throw new AppError('STACK_MISSING_BINARY', 'redis-server not found; install the Debian package redis-server');
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(options.logDir, 'redis.log');
  const persistence = options.ephemeral ? ['--save', '', '--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  const child = new LocalChild({
    name: 'redis',
    command: bin,
    args: ['--bind', '127.0.0.1', '--port', String(options.port), '--dir', dataDir, '--daemonize', 'no', '--protected-mode', 'yes', ...persistence],
    logFile,
    log: options.log,
  });
  const url = `redis://127.0.0.1:${options.port}`;
  await waitUntilReady(
    child,
    async () => {
      const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined); // probing: failures are the expected "not yet"
      try {
        await c.connect();
        await c.ping();
        return true;
      } finally {
        c.disconnect();
      }
    },
    15_000,
    logFile,
  );
  return { port: options.port, url, stop: () => child.stop() };
}
