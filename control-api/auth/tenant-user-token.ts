import { z } from 'zod';
import type { Clock } from '#lib/clock/index.js';
import type { ApiKeyScope } from './api-key.js';
import { TokenSigner } from './signed-token.js';

export const TENANT_USER_ROLES = ['owner', 'member', 'billing'] as const;
export type TenantUserRole = (typeof TENANT_USER_ROLES)[number];

/** What a tenant user may do on the tenant routes: billing users only read. */
export const TENANT_USER_SCOPES: Record<TenantUserRole, readonly ApiKeyScope[]> = { owner: ['read', 'write'], member: ['read', 'write'], billing: ['read'] };

const payloadSchema = z.strictObject({ sub: z.uuid(), tid: z.uuid(), role: z.enum(TENANT_USER_ROLES), exp: z.number().int(), iat: z.number().int() });
export type TenantUserTokenPayload = z.infer<typeof payloadSchema>;

/** Tokens of a workspace's portal users: `tu1.…` (see TokenSigner). */
export function createTenantUserTokens(options: { secret: string; clock: Clock; ttlSec: number }): TokenSigner<TenantUserTokenPayload> {
  return new TokenSigner({ ...options, prefix: 'tu1', schema: payloadSchema });
}
