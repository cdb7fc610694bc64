import type pg from 'pg';
import type { Redis } from 'ioredis';
import { createPool } from '../db/index.js';
import { createRedis } from '../redis/index.js';
import { pingRtpengine } from '../local-stack/rtpengine-ping.js';
import type { ServiceRuntime } from './service-runtime.js';

/** A pg Pool owned by the service: checked by /health, closed on shutdown. */
export function attachPostgres(runtime: ServiceRuntime, url: string, applicationName: string, max = 10): pg.Pool {
  const pool = createPool({ url, log: runtime.log, applicationName, max });
  runtime.addCheck({
    name: 'postgres',
    check: async () => {
      await pool.query('SELECT 1');
    },
  });
  runtime.shutdown.add('postgres pool', () => pool.end());
  return pool;
}

/** An ioredis client owned by the service: checked by /health, closed on shutdown. */
export function attachRedis(runtime: ServiceRuntime, url: string, name = 'redis'): Redis {
  const redis = createRedis({ url, log: runtime.log });
  runtime.addCheck({
    name,
    check: async () => {
      await redis.ping();
    },
  });
  runtime.shutdown.add(name, async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}

/** Reports rtpengine's ng `ping` in /health: healthy while at least one node of the pool answers. */
export function checkRtpengine(runtime: ServiceRuntime, nodes: readonly string[]): void {
  runtime.addCheck({
    name: 'rtpengine',
    check: async () => {
      const answers = await Promise.all(
        nodes.map((ng) => {
          const [host = '127.0.0.1', port = '22223'] = ng.split(':');
          return pingRtpengine(host, Number(port)).catch(() => false);
        }),
      );
      if (!answers.some(Boolean)) throw new Error(`no pong from ${nodes.join(', ')}`);
    },
  });
}
