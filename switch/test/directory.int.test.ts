import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeChannel, encodeChangeEvent } from '#lib/change-events/index.js';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { CachedDirectory } from '#switch/directory/cached-directory.js';
import { subscribeDirectoryChanges } from '#switch/directory/change-subscriber.js';
import { Directory } from '#switch/directory/directory.js';
import { createTestRedis } from '#test/support/redis.js';
import { seedSwitchFixture, type SwitchFixture } from './fixtures.js';

const NOW = Date.UTC(2026, 10, 25, 12);

describe('Directory against the real schema', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let dir: Directory;
  let fx: SwitchFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, log: createLogger({ service: 't', level: 'silent' }) });
    fx = await seedSwitchFixture(pool, NOW);
    dir = new Directory(pool);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('finds a SIP user with its HA1s and tenant, and nothing in another realm', async () => {
    const alice = await dir.sipUser(fx.realm, 'alice');
    expect(alice).toMatchObject({ username: 'alice', enabled: true, tenant: { tenantId: fx.tenantId, country: 'GB', currency: 'EUR', status: 'active' } });
    expect(alice?.ha1Sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await dir.sipUser('other.sip.test', 'alice')).toBeUndefined();
  });

  it('resolves a DID to its users or forward, and forgets it once expired', async () => {
    const did = await dir.did(fx.didToUsers, NOW);
    expect(did?.target.kind).toBe('sip_users');
    expect(did?.target.kind === 'sip_users' ? [...did.target.users].sort((a, b) => a.username.localeCompare(b.username)) : []).toEqual([
      { username: 'alice', realm: fx.realm },
      { username: 'bob', realm: fx.realm },
    ]);
    expect((await dir.did(fx.didForward, NOW))?.target).toEqual({ kind: 'forward', e164: '+442079460018' });
    expect(await dir.did('+449999999999', NOW)).toBeUndefined();
    expect(await dir.did(fx.didToUsers, NOW + 31 * 86_400_000)).toBeUndefined();
  });

  it('recognises a carrier gateway by its source address and nothing else', async () => {
    expect((await dir.gatewayBySource('127.0.0.2'))?.gatewayId).toBe(fx.gatewayA);
    expect((await dir.gatewayBySource('127.0.0.3'))?.gatewayId).toBe(fx.gatewayB);
    expect(await dir.gatewayBySource('127.0.0.1')).toBeUndefined();
    expect(await dir.gatewayBySource('10.1.2.3')).toBeUndefined();
  });

  it('lists the routes that match a destination and the tenant numbers for caller ID', async () => {
    const routes = await dir.routesFor('+442079460018');
    expect(routes.map((r) => [r.prefix, r.gateway.gatewayId]).sort()).toEqual([['44', fx.gatewayA], ['44', fx.gatewayB]].sort());
    expect(await dir.routesFor('+33123456789')).toEqual([]);
    expect(await dir.tenantNumbers(fx.tenantId, NOW)).toEqual([fx.didToUsers, fx.didForward].sort());
  });
});

describe('CachedDirectory', () => {
  it('serves repeated reads from memory and sees a change once its event arrives', async () => {
    const db = await createTestDatabase();
    const pool = createPool({ url: db.url, log: createLogger({ service: 't', level: 'silent' }) });
    const redisEnv = await createTestRedis();
    const subscriber = new Redis(redisEnv.url);
    try {
      const fx = await seedSwitchFixture(pool, NOW);
      const clock = new SimulatedClock(NOW);
      const cached = new CachedDirectory({ directory: new Directory(pool), pool, clock, ttlMs: 60_000 });
      await subscribeDirectoryChanges(subscriber, cached, createLogger({ service: 't', level: 'silent' }));
      expect((await cached.sipUser(fx.realm, 'alice'))?.enabled).toBe(true);
      await pool.query(`UPDATE sip_users SET enabled = false WHERE username = 'alice'`);
      expect((await cached.sipUser(fx.realm, 'alice'))?.enabled).toBe(true); // still cached
      const publisher = new Redis(redisEnv.url);
      await publisher.publish(changeChannel('sip_user'), encodeChangeEvent({ v: 1, entity: 'sip_user', op: 'updated', id: fx.aliceId, tenantId: fx.tenantId, at: NOW }));
      publisher.disconnect();
      for (let i = 0; i < 50 && (await cached.sipUser(fx.realm, 'alice'))?.enabled !== false; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await cached.sipUser(fx.realm, 'alice'))?.enabled).toBe(false);
    } finally {
      subscriber.disconnect();
      await redisEnv.cleanup();
      await pool.end();
      await db.drop();
    }
  });
});
