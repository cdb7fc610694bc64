import pg from 'pg';
import { Redis } from 'ioredis';
import { Client } from 'rtpengine-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

describe('local infrastructure started by the test setup', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('PostgreSQL answers a query and holds the applied migrations', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const r = await client.query<{ v: string; n: string }>("SELECT current_setting('server_version_num') AS v, (SELECT count(*) FROM schema_migrations)::text AS n");
      expect(Number(r.rows[0]?.v)).toBeGreaterThanOrEqual(150000);
      expect(Number(r.rows[0]?.n)).toBeGreaterThanOrEqual(1);
    } finally {
      await client.end();
    }
  });

  it('Redis answers PING', async () => {
    const redis = new Redis(inject('redisUrl'));
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('rtpengine answers an ng ping through rtpengine-client', async () => {
    const [host, port] = inject('rtpengineNg').split(':');
    const client = new Client({ localAddress: '127.0.0.1', timeout: 2_000 });
    try {
      expect(await client.ping(Number(port), host ?? '127.0.0.1')).toMatchObject({ result: 'pong' });
    } finally {
      client.close();
    }
  });
});
