import { withTransaction, type Pool, type PoolClient } from '#lib/db/index.js';

export type SmsCharge = {
  tenantId: string;
  messageId: string;
  ledgerKey: string;
  /** Money to debit (0 when a bundle message pays). */
  moneyMinor: number;
  currency: string;
  bundleId: string | null;
  destination: string;
  occurredAtMs: number;
};

/** Ledger balance + credit limit and its version after the charge (null when no money moved). */
export type SmsChargeResult = { fresh: boolean; ledger: { balanceMinor: number; version: number } | null };

/**
 * Writes one message's charge in one transaction, idempotent on its ledger key: an `sms_charge`
 * ledger transaction (tenant_cash −price, revenue_sms +price) or, for a bundle message, the
 * transaction alone as the idempotency marker plus one message taken from the bundle. A replay
 * (same key) writes nothing. Returns the tenant's ledger figure for the Redis mirror.
 */
export async function commitSmsCharge(pool: Pool, c: SmsCharge): Promise<SmsChargeResult> {
  return withTransaction(pool, async (client) => {
    const tx = await client.query<{ id: string }>(
      `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, description, occurred_at, metadata)
       VALUES ($1, 'sms_charge', $2, $3, $4, $5)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [c.ledgerKey, c.tenantId, `sms ${c.messageId}`, new Date(c.occurredAtMs), JSON.stringify({ messageId: c.messageId, bundleId: c.bundleId, priceMinor: c.moneyMinor })],
    );
    const txId = tx.rows[0]?.id;
    if (txId !== undefined && c.moneyMinor > 0) {
      await client.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES
           ($1, ledger_account('tenant_cash', $2::uuid, $3), $4, $3),
           ($1, ledger_account('revenue_sms', NULL, $3), $5, $3)`,
        [txId, c.tenantId, c.currency, -c.moneyMinor, c.moneyMinor],
      );
    }
    if (txId !== undefined && c.bundleId !== null) {
      // The Redis mirror never holds more messages than PostgreSQL has; the guard keeps the CHECK.
      await client.query('UPDATE sms_bundles SET messages_remaining = messages_remaining - 1 WHERE id = $1 AND messages_remaining > 0', [c.bundleId]);
    }
    const fresh = txId !== undefined;
    return { fresh, ledger: c.moneyMinor === 0 ? null : await tenantLedgerFigure(client, c.tenantId) };
  });
}

/** Whether the message's charge is in the ledger (the sweeper's question for a lapsed hold). */
export async function smsChargeExists(pool: Pool, ledgerKey: string): Promise<boolean> {
  const r = await pool.query('SELECT 1 FROM ledger_transactions WHERE idempotency_key = $1', [ledgerKey]);
  return (r.rowCount ?? 0) > 0;
}

/** The tenant's ledger balance + credit limit and its version (for the mirror after a lapsed debit). */
export async function tenantLedgerFigure(db: Pool | PoolClient, tenantId: string): Promise<{ balanceMinor: number; version: number } | null> {
  const r = await db.query<{ spendable: string | number; version: string | number }>(
    `SELECT b.balance_minor + t.credit_limit_minor AS spendable, b.version
       FROM tenants t
       JOIN ledger_accounts a ON a.tenant_id = t.id AND a.code = 'tenant_cash' AND a.currency = t.currency
       JOIN account_balances b ON b.account_id = a.id
      WHERE t.id = $1`,
    [tenantId],
  );
  const row = r.rows[0];
  const balanceMinor = Number(row?.spendable);
  const version = Number(row?.version);
  return row && Number.isSafeInteger(balanceMinor) && Number.isSafeInteger(version) ? { balanceMinor, version } : null;
}
