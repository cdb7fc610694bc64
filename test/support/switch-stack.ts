// The whole call path for end-to-end tests: sip-server, billing-rater and switch started through
// their service factories on free loopback ports, over a fresh database seeded with one tenant,
// its SIP users and numbers, two carriers with cost decks, a price plan and a balance.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig } from '#lib/config/index.js';
import { createPool } from '#lib/db/index.js';
import { freePort } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { startRaterService, type RaterService } from '#billing-rater/service.js';
import { raterTestConfig, seedDeck, topUp, type SeedRow } from '#billing-rater/test/support.js';
import { switchConfigSchema } from '#switch/config.js';
import { startSwitchService, type SwitchService } from '#switch/service.js';
import { seedSwitchFixture, type SwitchFixture } from '#switch/test/fixtures.js';
import { startTestSipServer, type TestSipServer } from '#sip-server/test/sip-server-harness.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export type SwitchStack = {
  db: TestDatabase;
  pool: pg.Pool;
  fx: SwitchFixture;
  sip: TestSipServer;
  rater: RaterService;
  switch: SwitchService;
  /** Ports the two carrier gateways (127.0.0.2, 127.0.0.3) must listen on. */
  gatewayPorts: [number, number];
  /** The switch's recording store (encrypted with `recordingKey`). */
  recordingStoreDir: string;
  recordingKey: Buffer;
  stop(): Promise<void>;
};

export type SwitchStackOptions = {
  balanceMinor?: number;
  /** The tenant's price for +44 (default 20,000 micro-units a minute, 60/60). */
  price44?: Omit<SeedRow, 'prefix'>;
  /** Destination prefixes the tenant may not call (premium, revenue share). */
  blockedPrefixes?: string[];
  tenant?: { maxConcurrentCalls?: number; maxCps?: number };
  logLevel?: string;
  /** Digest algorithms offered, preferred first (default MD5,SHA-256 for sipp). */
  digestAlgorithms?: string;
  /** Extra rater configuration (e.g. RATER_INTERVAL_SEC). */
  raterEnv?: Record<string, string>;
  /** Extra switch configuration (e.g. RECORDING_S3_URL for the S3 recording store). */
  switchEnv?: Record<string, string>;
  /** Also listen for SIP over WebSocket (RFC 7118) on a free port: `sip.service.sip.listening`. */
  webSocket?: boolean;
};

export async function startSwitchStack(options: SwitchStackOptions = {}): Promise<SwitchStack> {
  const logLevel = options.logLevel ?? process.env['E2E_LOG_LEVEL'] ?? 'warn';
  const db = await createTestDatabase();
  const pool = createPool({ url: db.url, log: createLogger({ service: 'e2e', level: 'silent' }) });
  const gatewayPorts: [number, number] = [await freePort(), await freePort()];
  const now = Date.now();
  const fx = await seedSwitchFixture(pool, now, { gatewayPorts, ...(options.tenant ? { tenant: options.tenant } : {}) });
  const planId = await seedDeck(pool, 'price', [{ prefix: '44', ...(options.price44 ?? { rateMicrosPerMin: 20_000 }) }, { prefix: '1', rateMicrosPerMin: 10_000 }]);
  for (const prefix of options.blockedPrefixes ?? []) {
    await pool.query(`INSERT INTO blocked_prefixes (tenant_id, prefix, reason) VALUES ($1, $2, 'premium rate')`, [fx.tenantId, prefix]);
  }
  await pool.query('UPDATE tenants SET price_plan_id = $1 WHERE id = $2', [planId, fx.tenantId]);
  await seedDeck(pool, 'cost', [{ prefix: '44', rateMicrosPerMin: 9_000 }], fx.carrierA);
  await seedDeck(pool, 'cost', [{ prefix: '44', rateMicrosPerMin: 12_000 }], fx.carrierB);
  await topUp(pool, fx.tenantId, options.balanceMinor ?? 1_000, now - 1_000);

  const sip = await startSipServer(logLevel, options.webSocket ?? false);
  const recordingStoreDir = mkdtempSync(join(tmpdir(), 'recordings-'));
  const rater = await startRaterService(raterTestConfig(db.url, inject('redisUrl'), { LOG_LEVEL: logLevel, ...options.raterEnv }), createLogger({ service: 'billing-rater', level: logLevel as 'warn' }));
  const config = loadConfig(switchConfigSchema, {
    env: {
      PG_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      RTPENGINE_NG: inject('rtpengineNg'),
      SWITCH_HTTP_PORT: '0',
      SWITCH_DRACHTIO_PORT: String(sip.admin.port),
      SWITCH_DRACHTIO_SECRET: sip.admin.secret,
      SWITCH_NONCE_SECRET: randomBytes(16).toString('hex'),
      RATER_API_URL: `http://127.0.0.1:${rater.api.port}`,
      SWITCH_MEDIA_ADDRESS: '127.0.0.1',
      SWITCH_RECORDING_SPOOL_DIR: inject('recordingSpoolDir'),
      SWITCH_RECORDING_STORE_DIR: recordingStoreDir,
      RECORDING_KEY: randomBytes(32).toString('hex'),
      SWITCH_GATEWAY_TIMEOUT_MS: '3000',
      // sipp answers only the first challenge and knows only MD5.
      SWITCH_DIGEST_ALGORITHMS: options.digestAlgorithms ?? 'MD5,SHA-256',
      LOG_LEVEL: logLevel,
      ...options.switchEnv,
    },
    files: [],
  });
  const sw = await startSwitchService(config, createLogger({ service: 'switch', level: config.LOG_LEVEL }));
  const recordingKey = Buffer.from(config.RECORDING_KEY ?? '', 'hex');
  await waitForHealth(sw.health.port);
  return {
    db,
    pool,
    fx,
    sip,
    rater,
    switch: sw,
    gatewayPorts,
    recordingStoreDir,
    recordingKey,
    stop: async () => {
      await sw.shutdown.run('test done');
      await rater.shutdown.run('test done');
      await sip.stop();
      await pool.end();
      await db.drop();
      rmSync(recordingStoreDir, { recursive: true, force: true });
    },
  };
}

async function startSipServer(logLevel: string, webSocket: boolean): Promise<TestSipServer> {
  if (!webSocket) return startTestSipServer({ LOG_LEVEL: logLevel });
  const sipPort = await freePort();
  const sip = await startTestSipServer({ LOG_LEVEL: logLevel, SIPSRV_CONTACTS: `sip:127.0.0.1:${sipPort};transport=udp,tcp sip:127.0.0.1:0;transport=ws` });
  return { ...sip, sipPort, sipTarget: `127.0.0.1:${sipPort}` };
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('switch did not become healthy (drachtio connection?)');
}

/** Polls `check` until it is true or ~10 s pass. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const uniqueTag = (): string => randomUUID().slice(0, 8);
