import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/** A Redis client whose keys carry a fresh UUID prefix; `cleanup` deletes them and disconnects. */
export async function createTestRedis(): Promise<{ redis: Redis; prefix: string; url: string; cleanup(): Promise<void> }> {
  const url = inject('redisUrl');
  const prefix = `test:${randomUUID()}:`;
  const redis = new Redis(url, { keyPrefix: prefix, lazyConnect: true });
  await redis.connect();
  return {
    redis,
    prefix,
    url,
    cleanup: async () => {
      const plain = new Redis(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await plain.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await plain.del(...keys);
        } while (cursor !== '0');
      } finally {
        plain.disconnect();
        redis.disconnect();
      }
    },
  };
}
