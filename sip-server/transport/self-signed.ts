// A self-signed certificate for local TLS/WSS listeners (never for production: peers cannot verify it).
// Built with the `selfsigned` npm package (X.509 via @peculiar/x509 + node:crypto; no openssl binary).
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import type { Clock } from '#lib/clock/index.js';

/** Options of generateSelfSignedCert. */
export type SelfSignedOptions = {
  /** Source of the validity start (notBefore = now - 1 h, to tolerate small clock skew). */
  clock: Clock;
  /** Subject common name, default `localhost`. */
  commonName?: string;
  /** subjectAltName entries: IP literals become iPAddress, others dNSName. Default localhost, 127.0.0.1, ::1. */
  altNames?: readonly string[];
  /** Validity in days, default 30. */
  validDays?: number;
};

/** PEM key and certificate, ready for `TransportLayer.create({ tls: { key, cert } })`. */
export type SelfSignedCert = { key: string; cert: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Generates an EC P-256 key and a self-signed certificate (server and client auth). */
export async function generateSelfSignedCert(opts: SelfSignedOptions): Promise<SelfSignedCert> {
  const now = opts.clock.now();
  const names = opts.altNames ?? ['localhost', '127.0.0.1', '::1'];
  const r = await generate([{ name: 'commonName', value: opts.commonName ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - HOUR_MS),
    notAfterDate: new Date(now + (opts.validDays ?? 30) * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) !== 0 ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  return { key: r.private, cert: r.cert };
}
