import type { Pool } from '#lib/db/index.js';
import type { MinuteBundle } from '../rating/index.js';

/** What authorization needs to know about a tenant, read from PostgreSQL. */
export type TenantState = {
  tenantId: string;
  status: 'active' | 'suspended' | 'closed';
  currency: string;
  pricePlanId: string | null;
  maxConcurrentCalls: number;
  /** balance_minor + credit_limit_minor: what may be spent. */
  spendableMinor: number;
  balanceVersion: number;
  bundles: MinuteBundle[];
};

/** Reads a tenant, its cash balance (with version) and its minute bundles with seconds left. */
export async function readTenantState(pool: Pool, tenantId: string): Promise<TenantState | null> {
  const t = await pool.query<{ status: TenantState['status']; currency: string; price_plan_id: string | null; max_concurrent_calls: number; credit_limit_minor: number; balance_minor: number | null; version: number | null }>(
    `SELECT t.status, t.currency, t.price_plan_id, t.max_concurrent_calls, t.credit_limit_minor, b.balance_minor, b.version
       FROM tenants t
       LEFT JOIN ledger_accounts a ON a.tenant_id = t.id AND a.code = 'tenant_cash' AND a.currency = t.currency
       LEFT JOIN account_balances b ON b.account_id = a.id
      WHERE t.id = $1`,
    [tenantId],
  );
  const row = t.rows[0];
  if (!row) return null;
  const bundles = await pool.query<{ id: string; seconds_remaining: number; expires_at: Date; prefixes: string[] }>(
    'SELECT id, seconds_remaining, expires_at, prefixes FROM minute_bundles WHERE tenant_id = $1 AND seconds_remaining > 0',
    [tenantId],
  );
  return {
    tenantId,
    status: row.status,
    currency: row.currency,
    pricePlanId: row.price_plan_id,
    maxConcurrentCalls: row.max_concurrent_calls,
    spendableMinor: (row.balance_minor ?? 0) + row.credit_limit_minor,
    balanceVersion: row.version ?? 0,
    bundles: bundles.rows.map((b) => ({ id: b.id, remainingSec: b.seconds_remaining, expiresAtMs: b.expires_at.getTime(), prefixes: b.prefixes })),
  };
}
