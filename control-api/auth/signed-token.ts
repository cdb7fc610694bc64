import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '#lib/clock/index.js';

type Timed = { exp: number; iat: number };

/**
 * Short-lived bearer tokens `<prefix>.<base64url JSON claims>.<base64url HMAC-SHA256>`, signed with
 * API_TOKEN_SECRET. The prefix names the kind (staff, tenant user) and is covered by the signature.
 */
export class TokenSigner<P extends Timed> {
  readonly #prefix: string;
  readonly #secret: Buffer;
  readonly #clock: Clock;
  readonly #ttlSec: number;
  readonly #schema: z.ZodType<P>;

  constructor(options: { prefix: string; secret: string; clock: Clock; ttlSec: number; schema: z.ZodType<P> }) {
    this.#prefix = options.prefix;
    this.#secret = Buffer.from(options.secret, 'utf8');
    this.#clock = options.clock;
    this.#ttlSec = options.ttlSec;
    this.#schema = options.schema;
  }

  issue(claims: Omit<P, keyof Timed>): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.#clock.now() / 1000);
    const payload = { ...claims, iat, exp: iat + this.#ttlSec };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${this.#prefix}.${body}.${this.#sign(body)}`, expiresAt: new Date(payload.exp * 1000) };
  }

  /** The claims when the token is well-formed, correctly signed and not expired; otherwise undefined. */
  verify(token: string): P | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== this.#prefix) return undefined;
    const [, body = '', sig = ''] = parts;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = this.#schema.safeParse(raw);
    if (!parsed.success) return undefined;
    return parsed.data.exp * 1000 > this.#clock.now() ? parsed.data : undefined;
  }

  /** Whether the token claims to be of this kind (cheap prefix check before verifying). */
  owns(token: string): boolean {
    return token.startsWith(`${this.#prefix}.`);
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(`${this.#prefix}.${body}`).digest('base64url');
  }
}
