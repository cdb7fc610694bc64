import { z } from 'zod';
import { commonConfigSchema, fields } from '#lib/config/index.js';

/** Configuration of the SIP server (environment keys; see docs/configuration.md). */
export const sipServerConfigSchema = commonConfigSchema.extend({
  SIPSRV_HTTP_PORT: fields.port().default(9101),
  /** drachtio-style contact list, e.g. `sip:127.0.0.1:5060;transport=udp,tcp`. */
  SIPSRV_CONTACTS: z.string().min(1).default('sip:127.0.0.1:5060;transport=udp,tcp'),
  /** Address and port of the drachtio admin (wire protocol) listener. */
  SIPSRV_ADMIN_HOST: fields.host().default('127.0.0.1'),
  SIPSRV_ADMIN_PORT: fields.port().default(9022),
  /** Shared secret apps authenticate with. Required; never defaulted. */
  SIPSRV_SECRET: fields.secret(),
});

export type SipServerConfig = z.output<typeof sipServerConfigSchema>;
