import pg from 'pg';
import type { Pool, PoolClient } from '#lib/db/index.js';

/** Whose rows a transaction may touch: one tenant (API key) or all tenants (operator staff). */
export type DbScope = { tenantId: string } | 'staff';

/**
 * Runs `fn` in one transaction as the application role `softswitch_app`, with row-level security
 * scoped by `app.tenant_id` (see sql/migrations/0002_app_role.sql). Everything a request does with
 * tenant data goes through here, in addition to the tenant filters in the queries themselves.
 */
export async function inScope<T>(pool: Pool, scope: DbScope, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const tenant = scope === 'staff' ? '*' : scope.tenantId;
  try {
    // One round trip; the tenant id was validated as a UUID by the caller and is escaped anyway.
    await client.query(`BEGIN; SET LOCAL ROLE softswitch_app; SELECT set_config('app.tenant_id', ${pg.escapeLiteral(tenant)}, true)`);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
