import type { Redis } from 'ioredis';
import type { EncryptedRecordingStore } from '#media/index.js';
import type { Registry } from 'prom-client';
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import type { TokenSigner } from './auth/signed-token.js';
import type { StaffTokens } from './auth/staff-token.js';
import type { TenantUserTokenPayload } from './auth/tenant-user-token.js';
import type { CallCommander } from './calls/call-commander.js';
import type { ApiConfig } from './config.js';
import type { ChangePublisher } from './http/change-publisher.js';
import type { ApiMetrics } from './metrics.js';

/** What the routes are built from (one composition root: service.ts). */
export type ApiDeps = {
  config: ApiConfig;
  pool: Pool;
  redis: Redis;
  log: Logger;
  clock: Clock;
  ids: IdSource;
  registry: Registry;
  metrics: ApiMetrics;
  events: ChangePublisher;
  /** Commands to the switch about live calls (start/stop recording). */
  calls: CallCommander;
  tokens: StaffTokens;
  userTokens: TokenSigner<TenantUserTokenPayload>;
  /** AES-256-GCM key for stored secrets (TOTP seeds, gateway passwords), derived from API_TOKEN_SECRET. */
  secretKey: Buffer;
  /** The encrypted recording store (absent without RECORDING_KEY: recordings cannot be played). */
  recordings?: EncryptedRecordingStore;
};
