import { z } from 'zod';
import { commonConfigSchema, fields, postgresConfigSchema, redisConfigSchema } from '#lib/config/index.js';

const positiveInt = fields.positiveInt;

/** Configuration of the billing-rater service (environment keys; see docs/configuration.md and docs/billing.md). */
export const raterConfigSchema = commonConfigSchema.extend(postgresConfigSchema.shape).extend(redisConfigSchema.shape).extend({
  RATER_HTTP_PORT: fields.port().default(9103),
  /** The internal API the switch calls (authorize / answer / end). */
  RATER_API_PORT: fields.port().default(9113),
  /** Names this process as reservation owner and CDR-stream consumer; keep it stable across restarts. */
  RATER_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('rater-1'),
  /** Prefix for every Redis key of the rater (tests give each run its own). */
  RATER_REDIS_PREFIX: z.string().max(100).default(''),
  RATER_INTERVAL_SEC: positiveInt().default(60),
  RATER_EXTEND_LEAD_MS: positiveInt().default(10_000),
  RATER_RESERVATION_TTL_MS: positiveInt().default(120_000),
  RATER_MAX_CALL_SEC: positiveInt().default(14_400),
  RATER_RECONCILE_EVERY_MS: positiveInt().default(5_000),
  /** An SMS hold not settled within this time is released (the switch crashed); also sweeps them every RATER_RECONCILE_EVERY_MS. */
  RATER_SMS_HOLD_TTL_MS: positiveInt().default(300_000),
  /** Cached tenants and their Redis balance mirrors are re-read from PostgreSQL this often. */
  RATER_TENANT_REFRESH_MS: positiveInt().default(60_000),
  RATER_CDR_BATCH: positiveInt().default(1_000),
  RATER_CDR_BLOCK_MS: positiveInt().default(200),
  /** Parallel CDR writers (each its own consumer `<instance>-<n>` and connection). */
  RATER_CDR_WRITERS: positiveInt().default(2),
});

export type RaterConfig = z.output<typeof raterConfigSchema>;
