import { z } from 'zod';
import { commonConfigSchema, fields, numberLifecycleConfigSchema, postgresConfigSchema, recordingStoreConfigSchema, redisConfigSchema } from '#lib/config/index.js';

const DAY_MS = 86_400_000;

/** Configuration of the workers service (environment keys; see docs/configuration.md and docs/billing.md). */
export const workersConfigSchema = commonConfigSchema.extend(postgresConfigSchema.shape).extend(redisConfigSchema.shape).extend(numberLifecycleConfigSchema.shape).extend(recordingStoreConfigSchema.shape).extend({
  WORKERS_HTTP_PORT: fields.port().default(9104),
  /** How often each billing job runs. */
  WORKERS_BILLING_EVERY_MS: fields.positiveInt().default(60_000),
  /** Renewals are charged this long before a period ends. */
  WORKERS_RENEW_AHEAD_MS: fields.positiveInt().default(3 * DAY_MS),
  /** How often each retention rule runs (recordings, CDR partitions, billing purge, workspace expiry). */
  WORKERS_RETENTION_EVERY_MS: fields.positiveInt().default(3_600_000),
  /** The recording store the switch writes (SWITCH_RECORDING_STORE_DIR): expired recordings are deleted from it. */
  WORKERS_RECORDING_STORE_DIR: z.string().min(1).default('.data/recordings/store'),
  /** BullMQ key prefix. */
  WORKERS_QUEUE_PREFIX: z.string().min(1).max(100).default('bull'),
});

export type WorkersConfig = z.output<typeof workersConfigSchema>;
