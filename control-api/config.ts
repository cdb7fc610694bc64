import { z } from 'zod';
import { commonConfigSchema, fields, numberLifecycleConfigSchema, postgresConfigSchema, recordingStoreConfigSchema, redisConfigSchema } from '#lib/config/index.js';

/** Configuration of the control-api service (environment keys; see docs/control-api.md). */
export const apiConfigSchema = commonConfigSchema.extend(postgresConfigSchema.shape).extend(redisConfigSchema.shape).extend(numberLifecycleConfigSchema.shape).extend(recordingStoreConfigSchema.shape).extend({
  /** Port of the REST API, /health and /metrics. */
  API_HTTP_PORT: fields.port().default(8080),
  /** Signs staff tokens and derives the key that encrypts stored secrets (TOTP, gateway passwords). */
  API_TOKEN_SECRET: fields.secret(),
  /** Lifetime of a staff token after login. */
  API_STAFF_TOKEN_TTL_SEC: fields.positiveInt().default(900),
  /** Requests per minute allowed per API key / staff token / client address. */
  API_RATE_LIMIT_PER_MIN: fields.positiveInt().default(600),
  /** Default length of a staff diagnostic-recording window (1 to 30 days). */
  API_DIAGNOSTIC_RECORDING_DAYS: fields.positiveInt().max(30).default(7),
  /** The local-disk recording store the switch writes (SWITCH_RECORDING_STORE_DIR). */
  API_RECORDING_STORE_DIR: z.string().min(1).default('.data/recordings/store'),
  /** AES-256 key of the recording store, 64 hex digits; without it recordings are listed but cannot be played. */
  RECORDING_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex digits (32 bytes)' }).optional(),
  /** Largest accepted rate deck CSV, bytes. */
  API_RATE_IMPORT_MAX_BYTES: fields.positiveInt().default(512 * 1024 * 1024),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
