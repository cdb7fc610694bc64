import type { AuthRequirement } from '../http/route.js';
import type { Principal } from '../http/context.js';
import { ApiError } from '../errors/index.js';

export const ANY_STAFF: AuthRequirement = { kind: 'staff', roles: ['admin', 'support', 'noc'] };
/** Tenant accounts, money and numbers. */
export const ACCOUNTS_STAFF: AuthRequirement = { kind: 'staff', roles: ['admin', 'support'] };
/** Carriers, gateways, routes and rate decks. */
export const NETWORK_STAFF: AuthRequirement = { kind: 'staff', roles: ['admin', 'noc'] };
export const TENANT_READ: AuthRequirement = { kind: 'tenant', scope: 'read' };
export const TENANT_WRITE: AuthRequirement = { kind: 'tenant', scope: 'write' };

/** The tenant of an API-key or tenant-user principal (tenant routes only). */
export function tenantOf(principal: Principal | undefined): string {
  if (principal?.kind !== 'api_key' && principal?.kind !== 'tenant_user') throw new ApiError('API_FORBIDDEN', 'this route needs a tenant API key or user token');
  return principal.tenantId;
}
