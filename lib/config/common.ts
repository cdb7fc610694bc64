import { z } from 'zod';
import * as fields from './fields.js';

/** Keys every service reads. Service schemas extend this with their own prefixed keys. */
export const commonConfigSchema = z.object({
  LOG_LEVEL: fields.logLevel().default('info'),
  /**
   * Also write the log to one file per UTC day in this folder (technical logs and, at debug, SIP
   * traces); the workers delete the files 30 days after their last line (docs/privacy.md).
   */
  LOG_DIR: z.string().min(1).optional(),
  /** Address the /health and /metrics listeners (and the API) bind to. */
  HTTP_HOST: fields.host().default('127.0.0.1'),
});

export const postgresConfigSchema = z.object({
  PG_URL: fields.postgresUrl().default('postgres://postgres@127.0.0.1:55432/softswitch'),
});

export const redisConfigSchema = z.object({
  REDIS_URL: fields.redisUrl().default('redis://127.0.0.1:56379'),
});

export const rtpengineConfigSchema = z.object({
  /** host:port of rtpengine's ng control socket; several nodes comma-separated form a pool. */
  RTPENGINE_NG: z
    .string()
    .regex(/^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/, { error: 'expected host:port[,host:port…]' })
    .default('127.0.0.1:22223')
    .transform((v) => v.split(',')),
});

/**
 * The number lifecycle shared by the control API (release, erasure) and the workers (subscription
 * expiry, workspace expiry): one value, so every path quarantines a number for the same time.
 */
export const numberLifecycleConfigSchema = z.object({
  /** Days a number that left its workspace stays in quarantine before it returns to the inventory. */
  NUMBER_QUARANTINE_DAYS: fields.positiveInt().default(30),
});

/**
 * Where recordings are stored (switch, control-api, workers): an S3-compatible bucket when
 * RECORDING_S3_URL is set (the production target), else each service's local-disk folder.
 */
export const recordingStoreConfigSchema = z.object({
  /** Bucket URL, path-style: https://s3.eu-west-1.amazonaws.com/my-bucket, http://minio:9000/recordings. */
  RECORDING_S3_URL: z.url({ error: 'expected the bucket URL, e.g. https://s3.eu-west-1.amazonaws.com/recordings' }).optional(),
  RECORDING_S3_REGION: z.string().min(1).default('us-east-1'),
  RECORDING_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  RECORDING_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});
