import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { Directory } from '#switch/directory/directory.js';
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
