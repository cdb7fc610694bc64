// SMS money and records in PostgreSQL: the quote before a message is sent (blocked destination,
// the plan's per-message price, an SMS bundle or enough money), and one transaction afterwards that
// writes the message row and, for a charged message, takes one message from a bundle or posts an
// `sms_charge` ledger transaction (tenant_cash −price, revenue_sms +price).
//
// DEVIATION: the billing rater owns call money (reservations mirrored in Redis); SMS are charged here
// in PostgreSQL because the rater has no per-message API yet. The balance check therefore does not
// see money reserved by live calls; the ledger row bumps the balance version, so the rater's mirror
// picks the debit up on its next refresh.
import { withTransaction, type Pool, type PoolClient } from '#lib/db/index.js';

export type SmsDirection = 'inbound' | 'outbound' | 'onnet';
export type SmsStatus = 'sent' | 'delivered' | 'stored' | 'failed' | 'rejected';

export type SmsQuote =
  | { ok: true; priceMinor: number; currency: string; bundled: boolean }
  | { ok: false; reason: 'blocked_destination' | 'no_sms_price' | 'insufficient_funds' | 'unknown_tenant' };

export type SmsRecord = {
  tenantId: string;
  direction: SmsDirection;
  sipCallId: string;
  sipCseq: number;
  sipUserId: string | null;
  fromNumber: string;
  toNumber: string;
  contentType: string;
  body: string;
  status: SmsStatus;
  sipStatus: number;
  reason: string;
  gatewayId: string | null;
  occurredAtMs: number;
};

/** What to charge for a recorded message: `digits` is the destination without '+'. */
export type SmsCharge = { digits: string; priceMinor: number; currency: string };

export type RecordResult = { inserted: boolean; priceMinor: number; bundleId: string | null; ledgerKey: string | null };

/** A bundle of the tenant that covers `$2` (destination digits) at `$3` and has messages left. */
const USABLE_BUNDLE = `FROM sms_bundles s
  WHERE s.tenant_id = $1 AND s.messages_remaining > 0 AND s.credited_at <= $3 AND s.expires_at > $3
    AND EXISTS (SELECT 1 FROM unnest(s.prefixes) p WHERE left($2, length(p)) = p)`;

export class SmsStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** May the tenant send a message to `digits` now, and at what price? */
  async quote(tenantId: string, digits: string, atMs: number): Promise<SmsQuote> {
    const r = await this.#pool.query<{ currency: string; credit_limit_minor: number | string; balance_minor: number | string; sms_price_minor: number | string | null; plan_currency: string | null; blocked: boolean; bundled: boolean }>(
      `SELECT t.currency, t.credit_limit_minor, coalesce(b.balance_minor, 0) AS balance_minor, d.sms_price_minor, d.currency AS plan_currency,
              EXISTS (SELECT 1 FROM blocked_prefixes bp WHERE (bp.tenant_id IS NULL OR bp.tenant_id = t.id) AND left($2, length(bp.prefix)) = bp.prefix) AS blocked,
              EXISTS (SELECT 1 ${USABLE_BUNDLE}) AS bundled
         FROM tenants t
         LEFT JOIN rate_decks d ON d.id = t.price_plan_id
         LEFT JOIN ledger_accounts a ON a.tenant_id = t.id AND a.code = 'tenant_cash' AND a.currency = t.currency
         LEFT JOIN account_balances b ON b.account_id = a.id
        WHERE t.id = $1`,
      [tenantId, digits, new Date(atMs)],
    );
    const row = r.rows[0];
    if (!row) return { ok: false, reason: 'unknown_tenant' };
    if (row.blocked) return { ok: false, reason: 'blocked_destination' };
    if (row.bundled) return { ok: true, priceMinor: 0, currency: row.currency, bundled: true };
    if (row.sms_price_minor === null || row.plan_currency !== row.currency) return { ok: false, reason: 'no_sms_price' };
    const price = Number(row.sms_price_minor);
    if (Number(row.balance_minor) + Number(row.credit_limit_minor) < price) return { ok: false, reason: 'insufficient_funds' };
    return { ok: true, priceMinor: price, currency: row.currency, bundled: false };
  }

  /**
   * Writes the message row and, when `charge` is given, charges it, in one transaction. A message
   * already recorded (same direction, Call-ID and CSeq) is neither written nor charged again.
   */
  async record(message: SmsRecord, charge?: SmsCharge): Promise<RecordResult> {
    return withTransaction(this.#pool, async (client) => {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, sip_user_id, from_number, to_number, content_type, body, status, sip_status, reason, gateway_id, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (direction, sip_call_id, sip_cseq) DO NOTHING RETURNING id`,
        [
          message.tenantId,
          message.direction,
          message.sipCallId,
          message.sipCseq,
          message.sipUserId,
          message.fromNumber,
          message.toNumber,
          message.contentType,
          message.body,
          message.status,
          message.sipStatus,
          message.reason.slice(0, 200),
          message.gatewayId,
          new Date(message.occurredAtMs),
        ],
      );
      const id = inserted.rows[0]?.id;
      if (id === undefined) return { inserted: false, priceMinor: 0, bundleId: null, ledgerKey: null };
      if (!charge) return { inserted: true, priceMinor: 0, bundleId: null, ledgerKey: null };
      const result = await chargeMessage(client, message, charge, id);
      await client.query('UPDATE sms_messages SET price_minor = $2, currency = $3, bundle_id = $4, ledger_key = $5 WHERE id = $1', [
        id,
        result.priceMinor,
        charge.currency,
        result.bundleId,
        result.ledgerKey,
      ]);
      return { inserted: true, ...result };
    });
  }
}

/** One message from the soonest-expiring covering bundle, else money from tenant_cash. */
async function chargeMessage(client: PoolClient, message: SmsRecord, charge: SmsCharge, messageId: string): Promise<Omit<RecordResult, 'inserted'>> {
  const bundle = await client.query<{ id: string }>(
    `UPDATE sms_bundles SET messages_remaining = messages_remaining - 1
      WHERE id = (SELECT s.id ${USABLE_BUNDLE} ORDER BY s.expires_at, s.id LIMIT 1 FOR UPDATE)
      RETURNING id`,
    [message.tenantId, charge.digits, new Date(message.occurredAtMs)],
  );
  const bundleId = bundle.rows[0]?.id;
  if (bundleId !== undefined) return { priceMinor: 0, bundleId, ledgerKey: null };
  if (charge.priceMinor === 0) return { priceMinor: 0, bundleId: null, ledgerKey: null };
  const ledgerKey = `sms:${messageId}:debit`;
  const tx = await client.query<{ id: string }>(
    `INSERT INTO ledger_transactions (idempotency_key, kind, tenant_id, description, occurred_at, metadata)
     VALUES ($1, 'sms_charge', $2, $3, $4, $5) RETURNING id`,
    [ledgerKey, message.tenantId, `sms to ${message.toNumber}`.slice(0, 500), new Date(message.occurredAtMs), JSON.stringify({ smsId: messageId, sipCallId: message.sipCallId })],
  );
  await client.query(
    `INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES
       ($1, ledger_account('tenant_cash', $2::uuid, $3), $4, $3),
       ($1, ledger_account('revenue_sms', NULL, $3), $5, $3)`,
    [tx.rows[0]?.id, message.tenantId, charge.currency, -charge.priceMinor, charge.priceMinor],
  );
  return { priceMinor: charge.priceMinor, bundleId: null, ledgerKey };
}
