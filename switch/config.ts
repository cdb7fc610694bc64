import { z } from 'zod';
import { commonConfigSchema, fields, redisConfigSchema, rtpengineConfigSchema } from '#lib/config/index.js';

/** Configuration of the switch service (environment keys; see docs/configuration.md). */
export const switchConfigSchema = commonConfigSchema.extend(redisConfigSchema.shape).extend(rtpengineConfigSchema.shape).extend({
  SWITCH_HTTP_PORT: fields.port().default(9102),
});

export type SwitchConfig = z.output<typeof switchConfigSchema>;
