import { z } from 'zod';
import type { Clock } from '#lib/clock/index.js';
import { TokenSigner } from './signed-token.js';

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

/** Staff tokens: `st1.…` (see TokenSigner). */
export class StaffTokens {
  readonly #signer: TokenSigner<StaffTokenPayload>;

  constructor(options: { secret: string; clock: Clock; ttlSec: number }) {
    this.#signer = new TokenSigner({ ...options, prefix: 'st1', schema: payloadSchema });
  }

  issue(sub: string, role: StaffRole): { token: string; expiresAt: Date } {
    return this.#signer.issue({ sub, role });
  }

  verify(token: string): StaffTokenPayload | undefined {
    return this.#signer.verify(token);
  }

  static looksLikeStaffToken(token: string): boolean {
    return token.startsWith('st1.');
  }
}
