import { z } from 'zod';
import { commonConfigSchema, fields, postgresConfigSchema, recordingStoreConfigSchema, redisConfigSchema, rtpengineConfigSchema } from '#lib/config/index.js';

/** Configuration of the switch service (environment keys; see docs/configuration.md). */
export const switchConfigSchema = commonConfigSchema
  .extend(postgresConfigSchema.shape)
  .extend(redisConfigSchema.shape)
  .extend(rtpengineConfigSchema.shape)
  .extend(recordingStoreConfigSchema.shape)
  .extend({
    SWITCH_HTTP_PORT: fields.port().default(9102),
    /** The drachtio server the app connects to: our sip-server in development, drachtio-server in production. */
    SWITCH_DRACHTIO_HOST: fields.host().default('127.0.0.1'),
    SWITCH_DRACHTIO_PORT: fields.port().default(9022),
    SWITCH_DRACHTIO_SECRET: fields.secret(),
    /** Signs digest nonces so any switch instance can check another's (≥ 16 characters). */
    SWITCH_NONCE_SECRET: fields.secret(),
    /** Base URL of the billing rater's internal API. */
    RATER_API_URL: z.url({ error: 'expected an http:// URL' }).default('http://127.0.0.1:9113'),
    /** Forces the address rtpengine sends media to (for peers that put a wrong c= line). */
    SWITCH_MEDIA_ADDRESS: z.string().optional(),
    /** How long a carrier gateway may stay silent before the next one is tried. */
    SWITCH_GATEWAY_TIMEOUT_MS: fields.positiveInt().default(8_000),
    /**
     * Digest algorithms offered in challenges, preferred first (RFC 8760 §2.4). Clients that
     * read only the first challenge (sipp, some old phones) need MD5 first.
     */
    SWITCH_DIGEST_ALGORITHMS: z
      .string()
      .default('SHA-256,MD5')
      .transform((v) => v.split(',').map((a) => a.trim().toUpperCase()))
      .pipe(z.array(z.enum(['SHA-256', 'MD5'], { error: 'expected SHA-256 and/or MD5' })).min(1)),
    /** How long directory reads (SIP users, numbers, routes, costs) are cached; change events clear them sooner. */
    SWITCH_DIRECTORY_CACHE_MS: fields.positiveInt().default(10_000),
    /** Where rtpengine writes call pcaps (its --recording-dir); the switch turns them into recordings. */
    SWITCH_RECORDING_SPOOL_DIR: z.string().min(1).default('.data/recordings/spool'),
    /** The local-disk recording store (the default storage backend). */
    SWITCH_RECORDING_STORE_DIR: z.string().min(1).default('.data/recordings/store'),
    /** AES-256 key of the recording store, 64 hex digits. Without it no call is recorded. */
    RECORDING_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex digits (32 bytes)' })
      .optional(),
    SWITCH_REG_DEFAULT_EXPIRES_SEC: fields.positiveInt().default(3_600),
    SWITCH_REG_MIN_EXPIRES_SEC: fields.positiveInt().default(60),
    SWITCH_REG_MAX_EXPIRES_SEC: fields.positiveInt().default(7_200),
    SWITCH_REG_MAX_DEVICES: fields.positiveInt().default(10),
  });

export type SwitchConfig = z.output<typeof switchConfigSchema>;
