import { Redis } from 'ioredis';
import type { Logger } from '../log/index.js';

export { Redis } from 'ioredis';

export type RedisOptions = {
  url: string;
  log: Logger;
  /** Prefix for every key this client touches (tests give each file its own). */
  keyPrefix?: string;
  /** BullMQ needs `null` here for blocking connections. */
  maxRetriesPerRequest?: number | null;
};

/** An ioredis client whose errors are logged, not thrown into the void. */
export function createRedis(options: RedisOptions): Redis {
  const client = new Redis(options.url, {
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    enableAutoPipelining: true,
    lazyConnect: false,
  });
  client.on('error', (err: Error) => options.log.warn({ err }, 'redis connection error'));
  return client;
}
