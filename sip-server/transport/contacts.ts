// drachtio-style contacts: `sip:127.0.0.1:5060;transport=udp,tcp` (drachtio-server `--contact`).
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { SipTransportError } from './transport-error.js';
import type { TransportKind } from './types.js';
import { defaultPort } from './via-rules.js';

/** One contact to listen on. */
export type ContactSpec = {
  host: string;
  /** 0 lets the OS choose; read the bound port from `listening()`. */
  port: number;
  transports: TransportKind[];
  /** Public address advertised in Via/Contact instead of `host` (NAT; drachtio `--external-ip`). */
  externalAddress: string | undefined;
};

const KINDS: ReadonlySet<string> = new Set(['udp', 'tcp', 'tls', 'ws', 'wss']);
const CONTACT_RE = /^(sips?):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?((?:;[^;]*)*)$/;

/**
 * Parses one contact. `sips:` defaults to tls; otherwise the transport list defaults to udp,tcp
 * (as drachtio does). Without a port: 5061 for sips or `transport=tls`, 80 for ws, 443 for wss
 * (RFC 3261 §19.1.2, RFC 7118), else 5060. `externalAddress` may also be given as a `;external-ip=`
 * parameter.
 */
export function parseContact(text: string, externalAddress?: string): ContactSpec {
  const m = CONTACT_RE.exec(text.trim());
  if (!m) throw new SipTransportError(E.SIP_TRANSPORT_BAD_CONTACT, `bad contact: ${text}`);
  const scheme = m[1] as string;
  let host = m[2] as string;
  if (host.startsWith('[')) host = host.slice(1, -1);
  const givenPort = m[3] === undefined ? undefined : Number(m[3]);
  if (givenPort !== undefined && givenPort > 65535) throw new SipTransportError(E.SIP_TRANSPORT_BAD_CONTACT, `bad port in contact: ${text}`);
  let transports: TransportKind[] = scheme === 'sips' ? ['tls'] : ['udp', 'tcp'];
  let external = externalAddress;
  for (const p of (m[4] ?? '').split(';').filter((s) => s.length > 0)) {
    const [name, value] = p.split('=') as [string, string | undefined];
    if (name.toLowerCase() === 'transport' && value !== undefined) {
      const list = value.toLowerCase().split(',').map((s) => s.trim());
      if (list.some((k) => !KINDS.has(k))) throw new SipTransportError(E.SIP_TRANSPORT_BAD_CONTACT, `unknown transport in contact: ${text}`);
      transports = [...new Set(list)] as TransportKind[];
    } else if (name.toLowerCase() === 'external-ip' && value !== undefined) {
      external = value;
    }
  }
  return { host, port: givenPort ?? contactDefaultPort(scheme, transports), transports, externalAddress: external };
}

function contactDefaultPort(scheme: string, transports: readonly TransportKind[]): number {
  if (scheme === 'sips') return 5061;
  const ports = new Set(transports.map(defaultPort));
  const [only] = ports;
  return ports.size === 1 && only !== undefined ? only : 5060;
}

/** Parses a list of contacts separated by whitespace (or commas before a `sip:`/`sips:`). */
export function parseContacts(text: string, externalAddress?: string): ContactSpec[] {
  const parts = text
    .split(/\s+|,(?=\s*sips?:)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new SipTransportError(E.SIP_TRANSPORT_BAD_CONTACT, 'no contact given');
  return parts.map((p) => parseContact(p, externalAddress));
}
