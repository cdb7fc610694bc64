import { z } from 'zod';
import { commonConfigSchema, fields } from '#lib/config/index.js';
import { AllowList } from './guard/index.js';

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
  /** Admin connections must authenticate within this time (0 disables), and at most this many may be open. */
  SIPSRV_ADMIN_AUTH_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  SIPSRV_ADMIN_MAX_CONNECTIONS: z.coerce.number().int().min(0).default(256),
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
  /** Extra CA certificates (PEM text or file path) trusted for outbound TLS/WSS, e.g. a carrier's private CA (RFC 3261 §26.3.1). */
  SIPSRV_TLS_CA: z.string().min(1).optional(),
  /** Stream connections (TCP, TLS, WS, WSS) idle this long are closed; 0 keeps them. */
  SIPSRV_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(900_000),
  /** Largest SIP message (bytes) and header count accepted on every transport; bigger input is refused (513 / 400 / connection closed). */
  SIPSRV_MAX_MESSAGE_BYTES: fields.positiveInt().default(65_535),
  SIPSRV_MAX_HEADERS: fields.positiveInt().default(256),
  /**
   * Rate limit with a temporary ban list (like Kamailio's pike): a source address sending more than
   * SIPSRV_RATE_LIMIT_REQUESTS requests in one window of SIPSRV_RATE_LIMIT_WINDOW_MS is banned for
   * SIPSRV_BAN_SEC; everything it sends meanwhile is dropped silently. 0 requests turns it off.
   * Only work-creating requests count (out-of-dialog, unknown To tag, unparseable); in-dialog ones do not.
   */
  SIPSRV_RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).default(200),
  SIPSRV_RATE_LIMIT_WINDOW_MS: fields.positiveInt().default(1000),
  SIPSRV_BAN_SEC: fields.positiveInt().default(60),
  /** Addresses and CIDR ranges (comma/space separated) exempt from the rate limit and per-source connection cap: list your carriers' gateways. */
  SIPSRV_RATE_LIMIT_ALLOW: z
    .string()
    .default('')
    .refine(isAllowList, { error: 'expected IP addresses or CIDR ranges separated by commas or spaces' }),
  /** Sources tracked per rate window and bans held at most (bounds the guard's memory). */
  SIPSRV_GUARD_MAX_SOURCES: fields.positiveInt().default(100_000),
  /** Inbound TCP/TLS/WS/WSS connections in total and per source address; 0 = no cap. */
  SIPSRV_MAX_CONNECTIONS: z.coerce.number().int().min(0).default(10_000),
  SIPSRV_MAX_CONNECTIONS_PER_SOURCE: z.coerce.number().int().min(0).default(100),
  /** Live server transactions at most; new requests beyond get 503 with Retry-After; 0 = no cap. */
  SIPSRV_MAX_SERVER_TRANSACTIONS: z.coerce.number().int().min(0).default(200_000),
  /**
   * Dialogs of an app connection that dropped are kept this long (an app may still act on them by
   * dialog id and so adopt them), then the server BYEs the far end and forgets them (protocol §5.10
   * recommendation). 0 keeps them until the far end sends something, as the C++ server does.
   */
  SIPSRV_ORPHAN_DIALOG_GRACE_SEC: z.coerce.number().int().min(0).default(60),
  /** Send cdr:attempt|start|stop to apps that route them (drachtio `<cdrs>`). */
  SIPSRV_CDRS: fields.bool().default(false),
});

export type SipServerConfig = z.output<typeof sipServerConfigSchema>;

function isAllowList(text: string): boolean {
  try {
    AllowList.parse(text);
    return true;
  } catch {
    return false; // AllowList names the bad entry; zod reports the key
  }
}
