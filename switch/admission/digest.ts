// SIP digest authentication, server side: RFC 3261 §22.4 with RFC 8760 (SHA-256 beside MD5) and
// the RFC 7616 §3.4 computations, qop=auth. We keep HA1 = H(username:realm:password) per
// algorithm and never the password. Nonces are stateless: a timestamp signed with HMAC, so any
// switch instance can check a nonce another one issued.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type DigestAlgorithm = 'SHA-256' | 'MD5';

/** Algorithms in the order we offer them (RFC 8760 §2.4: most preferred first). */
export const OFFERED_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

export type DigestCredentials = {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
};

export function hashHex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
}

/** HA1 as stored for a SIP user (RFC 7616 §3.4.2). */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hashHex(algorithm, `${username}:${realm}:${password}`);
}

/** Splits `Digest a="b", c=d` into its parameters (RFC 7616 §3.4); undefined if not Digest. */
export function parseDigestHeader(value: string): Record<string, string> | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[1] ?? '')) !== null) {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return params;
}

/** Typed credentials from an Authorization header, or undefined when fields are missing. */
export function parseCredentials(value: string): DigestCredentials | undefined {
  const p = parseDigestHeader(value);
  if (!p || !p['username'] || !p['realm'] || !p['nonce'] || !p['uri'] || !p['response']) return undefined;
  const algorithm = (p['algorithm'] ?? 'MD5').toUpperCase() === 'SHA-256' ? 'SHA-256' : (p['algorithm'] ?? 'MD5').toUpperCase() === 'MD5' ? 'MD5' : undefined;
  if (!algorithm) return undefined;
  const creds: DigestCredentials = { username: p['username'], realm: p['realm'], nonce: p['nonce'], uri: p['uri'], response: p['response'], algorithm };
  if (p['qop'] !== undefined) creds.qop = p['qop'];
  if (p['nc'] !== undefined) creds.nc = p['nc'];
  if (p['cnonce'] !== undefined) creds.cnonce = p['cnonce'];
  if (p['opaque'] !== undefined) creds.opaque = p['opaque'];
  return creds;
}

/** The response a client holding HA1 must send (RFC 7616 §3.4.1; RFC 2617 form without qop). */
export function expectedResponse(creds: DigestCredentials, method: string, ha1: string): string {
  const ha2 = hashHex(creds.algorithm, `${method}:${creds.uri}`);
  if (creds.qop === 'auth') return hashHex(creds.algorithm, `${ha1}:${creds.nonce}:${creds.nc ?? ''}:${creds.cnonce ?? ''}:auth:${ha2}`);
  return hashHex(creds.algorithm, `${ha1}:${creds.nonce}:${ha2}`);
}

/** Issues and checks stateless nonces: `<issued ms, base36>.<HMAC over it and the realm>`. */
export class NonceSigner {
  readonly #secret: string;
  readonly #lifetimeMs: number;

  constructor(secret: string, lifetimeMs = 300_000) {
    this.#secret = secret;
    this.#lifetimeMs = lifetimeMs;
  }

  issue(realm: string, nowMs: number): string {
    const ts = nowMs.toString(36);
    return `${ts}.${this.#sign(ts, realm)}`;
  }

  /** `valid`, `stale` (signed by us but too old: RFC 7616 §3.3 stale=true) or `invalid`. */
  check(nonce: string, realm: string, nowMs: number): 'valid' | 'stale' | 'invalid' {
    const [ts, sig] = nonce.split('.');
    if (!ts || !sig) return 'invalid';
    const expected = this.#sign(ts, realm);
    if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return 'invalid';
    const issued = parseInt(ts, 36);
    if (!Number.isFinite(issued) || issued > nowMs + 5_000) return 'invalid';
    return nowMs - issued > this.#lifetimeMs ? 'stale' : 'valid';
  }

  #sign(ts: string, realm: string): string {
    return createHmac('sha256', this.#secret).update(`${ts}:${realm}`).digest('base64url').slice(0, 22);
  }
}

/** WWW-Authenticate (or Proxy-Authenticate) values, one per offered algorithm, preferred first (RFC 8760 §2.4). */
export function buildChallenges(realm: string, nonce: string, stale = false, algorithms: readonly DigestAlgorithm[] = OFFERED_ALGORITHMS): string[] {
  return algorithms.map(
    (algorithm) => `Digest realm="${realm}", nonce="${nonce}", algorithm=${algorithm}, qop="auth"${stale ? ', stale=true' : ''}`,
  );
}

export type DigestVerdict = { ok: true; username: string } | { ok: false; reason: 'missing' | 'malformed' | 'wrong_realm' | 'stale_nonce' | 'bad_nonce' | 'unknown_user' | 'bad_response' };

/**
 * Checks credentials from a request against the stored HA1 for their algorithm.
 * `lookupHa1` returns undefined for an unknown user.
 */
export async function verifyDigest(args: {
  header: string | undefined;
  method: string;
  realm: string;
  nonces: NonceSigner;
  nowMs: number;
  lookupHa1: (username: string, algorithm: DigestAlgorithm) => Promise<string | undefined>;
}): Promise<DigestVerdict> {
  if (!args.header) return { ok: false, reason: 'missing' };
  const creds = parseCredentials(args.header);
  if (!creds) return { ok: false, reason: 'malformed' };
  if (creds.realm !== args.realm) return { ok: false, reason: 'wrong_realm' };
  const nonce = args.nonces.check(creds.nonce, args.realm, args.nowMs);
  if (nonce === 'invalid') return { ok: false, reason: 'bad_nonce' };
  if (nonce === 'stale') return { ok: false, reason: 'stale_nonce' };
  const ha1 = await args.lookupHa1(creds.username, creds.algorithm);
  if (!ha1) return { ok: false, reason: 'unknown_user' };
  const expected = expectedResponse(creds, args.method, ha1);
  const given = creds.response.toLowerCase();
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return { ok: false, reason: 'bad_response' };
  return { ok: true, username: creds.username };
}
