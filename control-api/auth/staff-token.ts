import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '#lib/clock/index.js';

export const STAFF_ROLES = ['admin', 'support', 'noc'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const payloadSchema = z.strictObject({
  sub: z.uuid(),
  role: z.enum(STAFF_ROLES),
  /** Expiry, epoch seconds. */
  exp: z.number().int(),
  /** Issued at, epoch seconds. */
  iat: z.number().int(),
});
export type StaffTokenPayload = z.infer<typeof payloadSchema>;

const PREFIX = 'st1';

/** Short-lived staff token: `st1.<base64url JSON>.<base64url HMAC-SHA256>`, signed with API_TOKEN_SECRET. */
export class StaffTokens {
  readonly #secret: Buffer;
  readonly #clock: Clock;
  readonly #ttlSec: number;

  constructor(options: { secret: string; clock: Clock; ttlSec: number }) {
    this.#secret = Buffer.from(options.secret, 'utf8');
    this.#clock = options.clock;
    this.#ttlSec = options.ttlSec;
  }

  issue(sub: string, role: StaffRole): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.#clock.now() / 1000);
    const payload: StaffTokenPayload = { sub, role, iat, exp: iat + this.#ttlSec };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${PREFIX}.${body}.${this.#sign(body)}`, expiresAt: new Date(payload.exp * 1000) };
  }

  /** The payload when the token is well-formed, correctly signed and not expired; otherwise undefined. */
  verify(token: string): StaffTokenPayload | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
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
    const parsed = payloadSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    return parsed.data.exp * 1000 > this.#clock.now() ? parsed.data : undefined;
  }

  static looksLikeStaffToken(token: string): boolean {
    return token.startsWith(`${PREFIX}.`);
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(`${PREFIX}.${body}`).digest('base64url');
  }
}
