// Digest authentication of softphones against their tenant's SIP users (HA1 only, RFC 8760).
// Shared by REGISTER (401/WWW-Authenticate) and INVITE (407/Proxy-Authenticate, RFC 3261 §22.3).
import type { Clock } from '#lib/clock/index.js';
import type { DirectoryReader } from '../directory/cached-directory.js';
import type { SipUserFacts } from '../directory/directory.js';
import { buildChallenges, OFFERED_ALGORITHMS, verifyDigest, type DigestAlgorithm, type NonceSigner } from './digest.js';

export type AuthKind = 'www' | 'proxy';

export type AuthOutcome =
  | { ok: true; user: SipUserFacts }
  | { ok: false; status: 401 | 407 | 403; reason: string; headers: Record<string, string | string[]> };

export class SipUserAuthenticator {
  readonly #directory: DirectoryReader;
  readonly #nonces: NonceSigner;
  readonly #clock: Clock;
  readonly #algorithms: readonly DigestAlgorithm[];

  constructor(options: { directory: DirectoryReader; nonces: NonceSigner; clock: Clock; algorithms?: readonly DigestAlgorithm[] }) {
    this.#directory = options.directory;
    this.#nonces = options.nonces;
    this.#clock = options.clock;
    this.#algorithms = options.algorithms ?? OFFERED_ALGORITHMS;
  }

  /**
   * Checks the request's credentials for `realm`. Missing, stale or foreign-nonce credentials get
   * a fresh challenge; a wrong password, an unknown or disabled user, or a tenant that is not
   * active get 403 (no new challenge: repeating would only help guessing).
   */
  async authenticate(args: { kind: AuthKind; realm: string; method: string; header: string | undefined }): Promise<AuthOutcome> {
    const now = this.#clock.now();
    let found: SipUserFacts | undefined;
    const verdict = await verifyDigest({
      header: args.header,
      method: args.method,
      realm: args.realm,
      nonces: this.#nonces,
      nowMs: now,
      lookupHa1: async (username, algorithm) => {
        found = await this.#directory.sipUser(args.realm, username);
        if (!found?.enabled || found.tenant.status !== 'active') return undefined;
        return algorithm === 'MD5' ? found.ha1Md5 : found.ha1Sha256;
      },
    });
    if (verdict.ok && found) return { ok: true, user: found };
    if (!verdict.ok && (verdict.reason === 'missing' || verdict.reason === 'stale_nonce' || verdict.reason === 'bad_nonce' || verdict.reason === 'wrong_realm')) {
      const challenges = buildChallenges(args.realm, this.#nonces.issue(args.realm, now), verdict.reason === 'stale_nonce', this.#algorithms);
      return args.kind === 'www'
        ? { ok: false, status: 401, reason: 'Unauthorized', headers: { 'WWW-Authenticate': challenges } }
        : { ok: false, status: 407, reason: 'Proxy Authentication Required', headers: { 'Proxy-Authenticate': challenges } };
    }
    return { ok: false, status: 403, reason: 'Forbidden', headers: {} };
  }
}
