import type { Pool, PoolClient } from '../db/index.js';

/**
 * Typed callers of the retention primitives in sql/migrations/0021_retention_functions.sql (and 0033, SMS), for the
 * jobs that run them (issue 9). Time comes from the caller's Clock (`nowMs`), never from SQL now().
 * Each returns counts only. The functions run as the owner (SECURITY DEFINER); the caller may be
 * the application role.
 */
type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

export type CdrPartitionRetention = { partitionsDropped: number; rowsDropped: number };
export type BillingPurge = { tenantsPurged: number; transactionsDeleted: number; entriesDeleted: number; bundlesDeleted: number; cdrsDeleted: number };
export type WorkspaceExpiry = {
  workspacesExpired: number; numbersQuarantined: number; subscriptionsEnded: number; sipUsersDeleted: number; apiKeysDeleted: number;
  creditRemovedMinor: number; bundlesEmptied: number; cdrsDeleted: number; smsDeleted: number;
};
export type SmsRetention = { bodiesCleared: number; rowsDeleted: number };

/** Reads the function's one row, mapping snake_case columns to camelCase integers (checked). */
function counts<T extends Record<string, number>>(row: Record<string, unknown> | undefined, keys: Record<keyof T, string>): T {
  const out: Record<string, number> = {};
  for (const [key, column] of Object.entries<string>(keys)) {
    const v = row?.[column];
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`retention function returned no integer ${column}`);
    out[key] = n;
  }
  return out as T;
}

/** CDRs kept 6 months: drops monthly partitions whose whole range is at least 6 months old. */
export async function dropExpiredCdrPartitions(db: Queryable, nowMs: number): Promise<CdrPartitionRetention> {
  const r = await db.query<Record<string, unknown>>('SELECT * FROM retention_drop_cdr_partitions($1)', [new Date(nowMs)]);
  return counts<CdrPartitionRetention>(r.rows[0], { partitionsDropped: 'partitions_dropped', rowsDropped: 'rows_dropped' });
}

/** Billing data of workspaces whose legal hold (closed_at + 12 months, or an erasure's date) has passed. */
export async function purgeExpiredBilling(db: Queryable, nowMs: number): Promise<BillingPurge> {
  const r = await db.query<Record<string, unknown>>('SELECT * FROM retention_purge_billing($1)', [new Date(nowMs)]);
  return counts<BillingPurge>(r.rows[0], {
    tenantsPurged: 'tenants_purged', transactionsDeleted: 'transactions_deleted', entriesDeleted: 'entries_deleted', bundlesDeleted: 'bundles_deleted', cdrsDeleted: 'cdrs_deleted',
  });
}

/**
 * Workspaces whose expires_at has come: their SMS deleted (0033), then numbers to quarantine, SIP users,
 * keys, credit, bundles and CDRs removed (0021). The SMS go first because their rows name the SIP users.
 */
export async function expireWorkspaces(db: Queryable, nowMs: number, quarantineDays: number): Promise<WorkspaceExpiry> {
  const sms = await db.query<Record<string, unknown>>('SELECT * FROM retention_expire_workspace_sms($1)', [new Date(nowMs)]);
  const { smsDeleted } = counts<{ smsDeleted: number }>(sms.rows[0], { smsDeleted: 'rows_deleted' });
  const r = await db.query<Record<string, unknown>>('SELECT * FROM retention_expire_workspaces($1, $2)', [new Date(nowMs), quarantineDays]);
  const expired = counts<Omit<WorkspaceExpiry, 'smsDeleted'>>(r.rows[0], {
    workspacesExpired: 'workspaces_expired', numbersQuarantined: 'numbers_quarantined', subscriptionsEnded: 'subscriptions_ended', sipUsersDeleted: 'sip_users_deleted',
    apiKeysDeleted: 'api_keys_deleted', creditRemovedMinor: 'credit_removed_minor', bundlesEmptied: 'bundles_emptied', cdrsDeleted: 'cdrs_deleted',
  });
  return { ...expired, smsDeleted };
}

/** SMS (0033): bodies cleared 30 days after the message, rows deleted 6 calendar months after it. */
export async function applySmsRetention(db: Queryable, nowMs: number): Promise<SmsRetention> {
  const r = await db.query<Record<string, unknown>>('SELECT * FROM retention_sms($1)', [new Date(nowMs)]);
  return counts<SmsRetention>(r.rows[0], { bodiesCleared: 'bodies_cleared', rowsDeleted: 'rows_deleted' });
}
