import { z } from 'zod';
import { commonConfigSchema, fields } from '#lib/config/index.js';

/** Configuration of the SIP server (environment keys; see docs/sip-server.md). CLI options override them (cli.ts). */
export const sipServerConfigSchema = commonConfigSchema.extend({
  SIPSRV_HTTP_PORT: fields.port().default(9101),
  /**
   * drachtio-style contact list, e.g. `sip:127.0.0.1:5060;transport=udp,tcp`. Several contacts are
   * separated by whitespace (the `--contact` option may be repeated).
   */
  SIPSRV_CONTACTS: z.string().min(1).default('sip:127.0.0.1:5060;transport=udp,tcp'),
  /** Public address advertised instead of the bound one (drachtio `external-ip`). */
  SIPSRV_EXTERNAL_IP: z.string().min(1).optional(),
  /** Next hop for every new request the apps send (drachtio `<outbound-proxy>`). */
  SIPSRV_OUTBOUND_PROXY: z.string().min(1).optional(),
  /** Address and port of the drachtio admin (wire protocol) listener. */
  SIPSRV_ADMIN_HOST: fields.host().default('127.0.0.1'),
  SIPSRV_ADMIN_PORT: fields.port().default(9022),
  /** Shared secret apps authenticate with. Required; never defaulted. */
  SIPSRV_SECRET: fields.secret(),
  /** RFC 3261 §17.1.1.1 timer values. */
  SIPSRV_T1_MS: fields.positiveInt().default(500),
  SIPSRV_T2_MS: fields.positiveInt().default(4000),
  SIPSRV_T4_MS: fields.positiveInt().default(5000),
  /**
   * Certificate and key (PEM text or file paths) for `transport=tls` and `transport=wss` contacts.
   * Without them, such contacts get a self-signed pair made at start-up (local use only).
   */
  SIPSRV_TLS_KEY: z.string().min(1).optional(),
  SIPSRV_TLS_CERT: z.string().min(1).optional(),
  /** Stream connections (TCP, TLS, WS, WSS) idle this long are closed; 0 keeps them. */
  SIPSRV_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(900_000),
  /** Send cdr:attempt|start|stop to apps that route them (drachtio `<cdrs>`). */
  SIPSRV_CDRS: fields.bool().default(false),
});

export type SipServerConfig = z.output<typeof sipServerConfigSchema>;
