// SMS records in PostgreSQL: one `sms_messages` row per message the switch handled. The money is the
// billing rater's (POST /v1/messages/authorize and /settle, lib/rater-api): the row only repeats
// what the rater charged (price, bundle, ledger key) so the message and its charge can be joined.
import type { Pool } from '#lib/db/index.js';

export type SmsDirection = 'inbound' | 'outbound' | 'onnet';
export type SmsStatus = 'sent' | 'delivered' | 'stored' | 'failed' | 'rejected';

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

/** What the rater charged for a message (its settle answer). */
export type SmsCharged = { priceMinor: number; currency: string | null; bundleId: string | null; ledgerKey: string | null };

export class SmsStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /**
   * Writes the message row with what was charged for it. A message already recorded (same
   * direction, Call-ID and CSeq) is not written again; returns whether this call wrote it.
   */
  async record(message: SmsRecord, charged?: SmsCharged): Promise<boolean> {
    const r = await this.#pool.query(
      `INSERT INTO sms_messages (tenant_id, direction, sip_call_id, sip_cseq, sip_user_id, from_number, to_number, content_type, body, status, sip_status, reason, gateway_id, occurred_at,
                                 price_minor, currency, bundle_id, ledger_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       ON CONFLICT (direction, sip_call_id, sip_cseq) DO NOTHING`,
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
        charged?.priceMinor ?? 0,
        charged?.currency ?? null,
        charged?.bundleId ?? null,
        charged?.ledgerKey ?? null,
      ],
    );
    return (r.rowCount ?? 0) > 0;
  }
}
