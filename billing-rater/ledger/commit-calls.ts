import type { PoolClient } from '#lib/db/index.js';
import { callDebitKey, type CallEndRecord } from '../cdr/call-end-record.js';

/** Ledger balance (plus credit limit) and its version per tenant after a batch. */
export type TenantLedgerState = Map<string, { availableBaseMinor: number; version: number }>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Writes a batch of call-end records in the caller's transaction: for each answered call with a
 * charge or bundle use, one `call_charge` ledger transaction (idempotency key `call:<id>:debit`,
 * tenant_cash −price, revenue_calls +price) and its bundle decrements; for every record, its CDR.
 * Replays are no-ops (unique idempotency key; CDR unique on (call_id, started_at)).
 * Returns the tenants' balances after the batch.
 */
export async function commitCalls(client: PoolClient, records: readonly CallEndRecord[]): Promise<TenantLedgerState> {
  const charged = records.filter((r) => r.tenantId && r.currency && (r.priceMinor > 0 || r.bundleUse.length > 0));
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
        charged.map((r) => iso(r.endedAtMs)),
        charged.map((r) => JSON.stringify({ callId: r.callId, billableSec: r.billableSec, bundleUse: r.bundleUse })),
      ],
    );
    const txByKey = new Map(inserted.rows.map((row) => [row.idempotency_key, row.id]));
    const fresh = charged.filter((r) => txByKey.has(callDebitKey(r.callId)));
    const money = fresh.filter((r) => r.priceMinor > 0);
    if (money.length > 0) {
      const tx: string[] = [];
      const code: string[] = [];
      const tenant: (string | null)[] = [];
      const amount: number[] = [];
      const currency: string[] = [];
      for (const r of money) {
        const id = txByKey.get(callDebitKey(r.callId))!;
        tx.push(id, id);
        code.push('tenant_cash', 'revenue_calls');
        tenant.push(r.tenantId, null);
        amount.push(-r.priceMinor, r.priceMinor);
        currency.push(r.currency!, r.currency!);
      }
      await client.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency)
         SELECT tx::uuid, ledger_account(code, tenant::uuid, cur::char(3)), amount, cur
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) AS u(tx, code, tenant, amount, cur)`,
        [tx, code, tenant, amount, currency],
      );
    }
    const bundleIds: string[] = [];
    const bundleSec: number[] = [];
    for (const r of fresh) for (const u of r.bundleUse) (bundleIds.push(u.bundleId), bundleSec.push(u.sec));
    if (bundleIds.length > 0) {
      await client.query(
        `UPDATE minute_bundles b SET seconds_remaining = greatest(0, b.seconds_remaining - u.sec)
           FROM (SELECT id::uuid AS id, sum(sec)::int AS sec FROM unnest($1::text[], $2::int[]) AS x(id, sec) GROUP BY id) u
          WHERE b.id = u.id`,
        [bundleIds, bundleSec],
      );
    }
  }
  await insertCdrs(client, records);
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

/** Multi-row insert of CDRs (one statement per batch); existing (call_id, started_at) rows are kept. */
export async function insertCdrs(client: PoolClient, records: readonly CallEndRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const col = <T>(f: (r: CallEndRecord) => T): T[] => records.map(f);
  const res = await client.query(
    `INSERT INTO cdrs (call_id, tenant_id, direction, calling_number, called_number, gateway_id, carrier_id,
                       sip_status, sip_reason, disposition, started_at, ring_at, answer_at, end_at, pdd_ms,
                       billable_sec, price_minor, cost_minor, currency, rating, end_reason, reconciled)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[],
                          $8::smallint[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],
                          $14::timestamptz[], $15::int[], $16::int[], $17::bigint[], $18::bigint[], $19::char(3)[],
                          $20::jsonb[], $21::text[], $22::boolean[])
     ON CONFLICT (call_id, started_at) DO NOTHING`,
    [
      col((r) => r.callId),
      col((r) => r.tenantId),
      col((r) => r.direction),
      col((r) => r.caller),
      col((r) => r.destination),
      col((r) => r.gatewayId),
      col((r) => r.carrierId),
      col((r) => r.sipStatus),
      col((r) => r.sipReason),
      col((r) => r.disposition),
      col((r) => iso(r.startedAtMs)),
      col((r) => iso(r.ringAtMs)),
      col((r) => iso(r.answeredAtMs)),
      col((r) => iso(r.endedAtMs)),
      col((r) => (r.ringAtMs === null ? null : Math.max(0, r.ringAtMs - r.startedAtMs))),
      col((r) => r.billableSec),
      col((r) => r.priceMinor),
      col((r) => r.costMinor),
      col((r) => r.currency),
      col((r) => JSON.stringify(r.rating)),
      col((r) => r.endReason),
      col((r) => r.reconciled),
    ],
  );
  return res.rowCount ?? 0;
}
