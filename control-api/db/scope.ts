import pg from 'pg';
import { withTransaction, type Pool, type PoolClient } from '#lib/db/index.js';

/** Whose rows a transaction may touch: one tenant (API key) or all tenants (operator staff). */
export type DbScope = { tenantId: string } | 'staff';

/**
 * Runs `fn` in one transaction as the application role `softswitch_app`, with row-level security
 * scoped by `app.tenant_id` (see sql/migrations/0002_app_role.sql). Everything a request does with
 * tenant data goes through here, in addition to the tenant filters in the queries themselves.
 */
export function inScope<T>(pool: Pool, scope: DbScope, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const tenant = scope === 'staff' ? '*' : scope.tenantId;
  // One round trip; the tenant id was validated as a UUID by the caller and is escaped anyway.
  return withTransaction(pool, fn, `BEGIN; SET LOCAL ROLE softswitch_app; SELECT set_config('app.tenant_id', ${pg.escapeLiteral(tenant)}, true)`);
}
