import type { PoolClient } from '#lib/db/index.js';

export type LedgerAccountCode = 'tenant_cash' | 'revenue_calls' | 'revenue_numbers' | 'revenue_sms' | 'revenue_bundles' | 'topups_clearing' | 'carrier_costs' | 'adjustments';
export type LedgerLeg = { code: LedgerAccountCode; tenantId: string | null; amountMinor: number };
export type LedgerTransactionInput = {
  idempotencyKey: string;
  kind: 'topup' | 'number_setup' | 'number_renewal' | 'bundle_purchase' | 'refund' | 'adjustment';
  tenantId: string | null;
  currency: string;
  description: string;
  occurredAt: Date;
  metadata: Record<string, unknown>;
  legs: readonly LedgerLeg[];
};

/**
 * Appends one balanced transaction, exactly once per idempotency key. Returns `created: false` and the
 * existing transaction's id and metadata when the key was used before (a concurrent writer with the same
 * key waits on the unique index and then sees the committed row).
 */
export async function postTransaction(
  c: PoolClient,
  tx: LedgerTransactionInput,
): Promise<{ id: string; created: boolean; metadata: Record<string, unknown> }> {
  const inserted = await c.query<{ id: string }>(
    `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, description, occurred_at, metadata)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [tx.idempotencyKey, tx.kind, tx.tenantId, tx.description, tx.occurredAt, JSON.stringify(tx.metadata)],
  );
  const id = inserted.rows[0]?.id;
  if (id === undefined) {
    const existing = await c.query<{ id: string; metadata: Record<string, unknown> }>('SELECT id, metadata FROM ledger_transactions WHERE idempotency_key = $1', [tx.idempotencyKey]);
    const row = existing.rows[0];
    if (!row) throw new Error(`ledger transaction ${tx.idempotencyKey} conflicted but is not visible`);
    return { id: row.id, created: false, metadata: row.metadata };
  }
  for (const leg of tx.legs) {
    await c.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES ($1, ledger_account($2, $3, $4), $5, $4)`,
      [id, leg.code, leg.tenantId, tx.currency, leg.amountMinor],
    );
  }
  return { id, created: true, metadata: tx.metadata };
}

/** Cash available to spend: balance plus credit limit (tenant row locked by the caller to serialise spending). */
export async function spendableMinor(c: PoolClient, tenantId: string): Promise<{ balanceMinor: number; spendableMinor: number; currency: string }> {
  const r = await c.query<{ balance_minor: number; credit_limit_minor: number; currency: string }>(
    'SELECT balance_minor, credit_limit_minor, currency FROM tenant_balances WHERE tenant_id = $1',
    [tenantId],
  );
  const row = r.rows[0];
  if (!row) return { balanceMinor: 0, spendableMinor: 0, currency: 'XXX' };
  return { balanceMinor: row.balance_minor, spendableMinor: row.balance_minor + row.credit_limit_minor, currency: row.currency };
}
