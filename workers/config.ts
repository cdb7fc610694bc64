import { z } from 'zod';
import { commonConfigSchema, fields, postgresConfigSchema, redisConfigSchema } from '#lib/config/index.js';

/** Configuration of the workers service (environment keys; see docs/configuration.md). */
export const workersConfigSchema = commonConfigSchema.extend(postgresConfigSchema.shape).extend(redisConfigSchema.shape).extend({
  WORKERS_HTTP_PORT: fields.port().default(9104),
});

export type WorkersConfig = z.output<typeof workersConfigSchema>;
