// RFC 3261 §26.2.1 (TLS), RFC 7118 §5 (WSS): certificate material shared by the TLS and WSS listeners.
import { readFile } from 'node:fs/promises';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { SipTransportError } from './transport-error.js';

/**
 * TLS options of `TransportLayer.create` (used by `transport=tls` and `transport=wss` contacts).
 * `key`, `cert` and `ca` are PEM text or paths of PEM files.
 */
export type TlsOptions = {
  /** Private key of our certificate: PEM text or file path. */
  key: string;
  /** Our certificate (chain): PEM text or file path. */
  cert: string;
  /** Extra trusted CA certificates for outbound TLS/WSS connections (PEM text or file path). */
  ca?: string;
  /**
   * Verify the peer's certificate on outbound connections (RFC 3261 §26.3.1). Default true;
   * set false only for lab peers with self-signed certificates that are not in `ca`.
   */
  rejectUnauthorized?: boolean;
};

/** TLS material with every PEM loaded, ready for node:tls / node:https. */
export type TlsMaterial = {
  key: string;
  cert: string;
  ca: string | undefined;
  rejectUnauthorized: boolean;
};

const PEM_MARK = '-----BEGIN ';

/** Reads file paths into PEM text; PEM text passes through. Rejects with SIP_TRANSPORT_LISTEN_FAILED. */
export async function loadTlsMaterial(opts: TlsOptions): Promise<TlsMaterial> {
  return {
    key: await pem(opts.key, 'key'),
    cert: await pem(opts.cert, 'cert'),
    ca: opts.ca === undefined ? undefined : await pem(opts.ca, 'ca'),
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
  };
}

async function pem(value: string, what: string): Promise<string> {
  if (value.includes(PEM_MARK)) return value;
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch (err) {
    throw new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, `cannot read tls ${what} file ${value}`, { cause: err });
  }
  if (!text.includes(PEM_MARK)) throw new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, `tls ${what} file ${value} holds no PEM block`);
  return text;
}
