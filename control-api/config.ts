import { z } from 'zod';
import { commonConfigSchema, fields, postgresConfigSchema, redisConfigSchema } from '#lib/config/index.js';

/** Configuration of the control-api service (environment keys; see docs/configuration.md). */
export const apiConfigSchema = commonConfigSchema.extend(postgresConfigSchema.shape).extend(redisConfigSchema.shape).extend({
  API_HTTP_PORT: fields.port().default(8080),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
