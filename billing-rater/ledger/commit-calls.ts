import type { PoolClient } from '#lib/db/index.js';
import { callDebitKey, type CallEndRecord } from '../cdr/call-end-record.js';
import { insertCdrs } from './insert-cdrs.js';

/** Ledger balance (plus credit limit) and its version per tenant after a batch. */
export type TenantLedgerState = Map<string, { availableBaseMinor: number; version: number }>;

/**
 * Writes a batch of call-end records in the caller's transaction: for each answered call with a
 * charge or bundle use, one `call_charge` ledger transaction (idempotency key `call:<id>:debit`,
 * tenant_cash −price, revenue_calls +price) and its bundle decrements; for every record, its CDR.
 * Replays are no-ops (unique idempotency key; CDR unique on (call_id, started_at)). Order: the
 * ledger transactions first (their ON CONFLICT tells whether the batch is a replay), then the CDRs,
 * and last the entries, whose statement trigger locks the tenants' balance rows: those locks, which
 * a concurrent writer's batch waits for, are then held only until the commit right after.
 * `recordTexts` may carry each record's JSON as the queue holds it (used only if the CDRs go by INSERT).
 * Returns the tenants' balances after the batch.
 */
export async function commitCalls(client: PoolClient, records: readonly CallEndRecord[], recordTexts?: readonly string[]): Promise<TenantLedgerState> {
  const charged = records.filter((r): r is CallEndRecord & { tenantId: string } => r.tenantId !== null && r.currency !== null && (r.priceMinor > 0 || r.bundleUse.length > 0));
  let txByKey = new Map<string, string>();
  let replay = false;
  if (charged.length > 0) {
    const inserted = await client.query<{ idempotency_key: string; id: string }>(
      `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, description, occurred_at, metadata)
       SELECT k, 'call_charge', t::uuid, 'call ' || c, o::timestamptz, m::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(k, t, c, o, m)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING idempotency_key, id`,
      [
        charged.map((r) => callDebitKey(r.callId)),
        charged.map((r) => r.tenantId),
        charged.map((r) => r.callId),
        charged.map((r) => new Date(r.endedAtMs).toISOString()),
        charged.map((r) => JSON.stringify({ callId: r.callId, billableSec: r.billableSec, bundleUse: r.bundleUse })),
      ],
    );
    txByKey = new Map(inserted.rows.map((row) => [row.idempotency_key, row.id]));
    replay = txByKey.size < charged.length;
  }
  await insertCdrs(client, records, recordTexts, replay);
  if (txByKey.size > 0) {
    const fresh = charged.filter((r) => txByKey.has(callDebitKey(r.callId)));
    // Entries sorted by tenant: concurrent batches then lock balance rows in the same order (no deadlock).
    const money = fresh.filter((r) => r.priceMinor > 0).sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
    if (money.length > 0) {
      const accounts = await resolveAccounts(client, money);
      const tx: string[] = [];
      const account: string[] = [];
      const amount: number[] = [];
      const currency: string[] = [];
      // The tenant side carries its tenant (0101: checked against the account, no per-entry lookup).
      const tenant: (string | null)[] = [];
      for (const r of money) {
        const id = txByKey.get(callDebitKey(r.callId));
        const cash = accounts.get(`tenant_cash|${r.tenantId}|${r.currency}`);
        const revenue = accounts.get(`revenue_calls||${r.currency}`);
        if (id === undefined || cash === undefined || revenue === undefined || r.currency === null) throw new Error(`ledger accounts of call ${r.callId} not resolved`);
        tx.push(id, id);
        account.push(cash, revenue);
        amount.push(-r.priceMinor, r.priceMinor);
        currency.push(r.currency, r.currency);
        tenant.push(r.tenantId, null);
      }
      await client.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, tenant_id)
         SELECT tx::uuid, acc::uuid, amount, cur, t::uuid FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS u(tx, acc, amount, cur, t)`,
        [tx, account, amount, currency, tenant],
      );
    }
    const bundleIds: string[] = [];
    const bundleSec: number[] = [];
    for (const r of fresh) {
      for (const u of r.bundleUse) {
        bundleIds.push(u.bundleId);
        bundleSec.push(u.sec);
      }
    }
    if (bundleIds.length > 0) {
      await client.query(
        `UPDATE minute_bundles b SET seconds_remaining = greatest(0, b.seconds_remaining - u.sec)
           FROM (SELECT id::uuid AS id, sum(sec)::int AS sec FROM unnest($1::text[], $2::int[]) AS x(id, sec) GROUP BY id) u
          WHERE b.id = u.id`,
        [bundleIds, bundleSec],
      );
    }
  }
  const tenants = [...new Set(records.filter((r) => r.priceMinor > 0).map((r) => r.tenantId))];
  const state: TenantLedgerState = new Map();
  if (tenants.length > 0) {
    const rows = await client.query<{ tenant_id: string; balance_minor: number; credit_limit_minor: number; version: number }>(
      `SELECT t.id AS tenant_id, b.balance_minor, t.credit_limit_minor, b.version
         FROM tenants t
         JOIN ledger_accounts a ON a.tenant_id = t.id AND a.code = 'tenant_cash' AND a.currency = t.currency
         JOIN account_balances b ON b.account_id = a.id
        WHERE t.id = ANY($1::uuid[])`,
      [tenants],
    );
    for (const row of rows.rows) state.set(row.tenant_id, { availableBaseMinor: row.balance_minor + row.credit_limit_minor, version: row.version });
  }
  return state;
}

/** Ledger account ids for the batch, keyed `code|tenant|currency` (one round trip). */
async function resolveAccounts(client: PoolClient, records: readonly CallEndRecord[]): Promise<Map<string, string>> {
  const keys = new Map<string, { code: string; tenant: string | null; currency: string }>();
  for (const r of records) {
    if (r.currency === null) continue;
    keys.set(`tenant_cash|${r.tenantId}|${r.currency}`, { code: 'tenant_cash', tenant: r.tenantId, currency: r.currency });
    keys.set(`revenue_calls||${r.currency}`, { code: 'revenue_calls', tenant: null, currency: r.currency });
  }
  const list = [...keys];
  const res = await client.query<{ i: number; id: string }>(
    `SELECT i::int, ledger_account(code, tenant::uuid, cur::char(3)) AS id
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(code, tenant, cur, i)`,
    [list.map(([, k]) => k.code), list.map(([, k]) => k.tenant), list.map(([, k]) => k.currency)],
  );
  const out = new Map<string, string>();
  for (const row of res.rows) {
    const key = list[row.i - 1]?.[0];
    if (key !== undefined) out.set(key, row.id);
  }
  return out;
}
