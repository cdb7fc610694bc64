import { z } from 'zod';
import { commonConfigSchema, fields, postgresConfigSchema, redisConfigSchema } from '#lib/config/index.js';

/** Configuration of the billing-rater service (environment keys; see docs/configuration.md). */
export const raterConfigSchema = commonConfigSchema.extend(postgresConfigSchema.shape).extend(redisConfigSchema.shape).extend({
  RATER_HTTP_PORT: fields.port().default(9103),
});

export type RaterConfig = z.output<typeof raterConfigSchema>;
