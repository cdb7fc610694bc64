import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '#lib/clock/index.js';
import { SystemClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { CryptoIdSource, type IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { createRegistry } from '#lib/metrics/index.js';
import { createRedis } from '#lib/redis/index.js';
import { Shutdown, type HealthCheck, type ServiceRuntime } from '#lib/runtime/index.js';
import { deriveKey } from '#lib/secret-box/index.js';
import { createApp } from './app.js';
import { StaffTokens } from './auth/staff-token.js';
import { createTenantUserTokens } from './auth/tenant-user-token.js';
import type { ApiConfig } from './config.js';
import { CallCommander } from './calls/call-commander.js';
import { ChangePublisher } from './http/change-publisher.js';
import type { RouteTable } from './http/route.js';
import { createApiMetrics } from './metrics.js';
import { EncryptedRecordingStore, recordingStorage } from '#media/index.js';

export type ApiService = ServiceRuntime & {
  /** Port of the REST API (also /health and /metrics). */
  readonly port: number;
  readonly pool: Pool;
  /** Registered routes, for tests that walk all of them. */
  readonly routes: RouteTable['routes'];
};

export type ApiServiceOptions = { clock?: Clock; ids?: IdSource };

/** The purpose string under which stored secrets are encrypted (lib/secret-box). */
export const SECRET_PURPOSE = 'control-api-stored-secrets';

/**
 * Builds the control-api service: the composition root that main.ts and tests call. The Express app
 * serves the REST API, /health and /metrics on API_HTTP_PORT (replacing the foundation's health server).
 */
export async function startApiService(config: ApiConfig, log: Logger, options: ApiServiceOptions = {}): Promise<ApiService> {
  const clock = options.clock ?? new SystemClock();
  const ids = options.ids ?? new CryptoIdSource();
  const registry = createRegistry('api');
  const metrics = createApiMetrics(registry);
  const shutdown = new Shutdown(log);
  const pool = createPool({ url: config.PG_URL, log, applicationName: 'control-api', max: 10, statementTimeoutMs: 120_000 });
  shutdown.add('postgres pool', () => pool.end());
  const redis = createRedis({ url: config.REDIS_URL, log });
  shutdown.add('redis', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  const checks: HealthCheck[] = [
    {
      name: 'postgres',
      check: async () => {
        await pool.query('SELECT 1');
      },
    },
    {
      name: 'redis',
      check: async () => {
        const pong: string = await redis.ping();
        if (pong !== 'PONG') throw new Error('no PONG');
      },
    },
  ];
  const events = new ChangePublisher({ redis, clock, log, published: metrics.changeEventsPublished });
  const tokens = new StaffTokens({ secret: config.API_TOKEN_SECRET, clock, ttlSec: config.API_STAFF_TOKEN_TTL_SEC });
  const userTokens = createTenantUserTokens({ secret: config.API_TOKEN_SECRET, clock, ttlSec: config.API_STAFF_TOKEN_TTL_SEC });
  const secretKey = deriveKey(config.API_TOKEN_SECRET, SECRET_PURPOSE);
  const recordings = config.RECORDING_KEY
    ? new EncryptedRecordingStore(recordingStorage(config, config.API_RECORDING_STORE_DIR), Buffer.from(config.RECORDING_KEY, 'hex'))
    : undefined;
  const calls = new CallCommander({ redis, clock, ids, log });
  shutdown.add('call commands', () => calls.close());
  const { app, routes } = createApp({ config, pool, redis, log, clock, ids, registry, metrics, events, calls, tokens, userTokens, secretKey, ...(recordings ? { recordings } : {}) }, checks);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.API_HTTP_PORT, config.HTTP_HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const port = (server.address() as AddressInfo).port;
  const health = {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  shutdown.add('http server', () => health.close());
  log.info({ port, host: config.HTTP_HOST }, 'control API, health and metrics listening');
  return { registry, health, shutdown, log, addCheck: (c) => checks.push(c), port, pool, routes: routes.routes };
}
