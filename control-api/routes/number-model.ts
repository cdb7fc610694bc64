import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { ApiError } from '../errors/index.js';
import { dateOut, e164, iso } from '../http/common-schemas.js';
import { postTransaction, spendableMinor } from '../ledger/post-transaction.js';
import { one } from '../db/rows.js';

export const PERIODS = ['month', 'quarter', 'half_year', 'year'] as const;
export type Period = (typeof PERIODS)[number];
export const PERIOD_MONTHS: Record<Period, number> = { month: 1, quarter: 3, half_year: 6, year: 12 };

export const routingSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sip_users'), sipUserIds: z.array(z.uuid()).min(1).max(50) }),
    z.strictObject({ kind: z.literal('sip_uri'), uri: z.string().max(500).regex(/^sips?:[^\s]+$/, { error: 'expected a sip: or sips: URI' }) }),
    z.strictObject({ kind: z.literal('forward'), e164: e164() }),
  ])
  .meta({ id: 'RoutingTarget', description: 'Where inbound calls to the number go: SIP users rung together, a SIP URI, or a forward to an E.164 number' });
export type Routing = z.infer<typeof routingSchema>;

export const numberSchema = z
  .object({
    id: z.uuid(), e164: z.string(), country: z.string(), type: z.enum(['local', 'mobile', 'toll_free']), monthlyPriceMinor: z.number().int(),
    setupPriceMinor: z.number().int(), currency: z.string(), kycRequired: z.boolean(), status: z.string(), quarantineUntil: dateOut().nullable(),
  })
  .meta({ id: 'Number' });

export type NumberRow = {
  id: string; e164: string; country: string; number_type: 'local' | 'mobile' | 'toll_free'; monthly_price_minor: number; setup_price_minor: number;
  currency: string; kyc_required: boolean; status: string; quarantine_until: Date | null; carrier_id: string | null;
};
export const toNumber = (r: NumberRow) => ({
  id: r.id, e164: r.e164, country: r.country, type: r.number_type, monthlyPriceMinor: r.monthly_price_minor, setupPriceMinor: r.setup_price_minor,
  currency: r.currency, kycRequired: r.kyc_required, status: r.status, quarantineUntil: iso(r.quarantine_until),
});

export const subscriptionSchema = z
  .object({
    id: z.uuid(), numberId: z.uuid(), e164: z.string(), period: z.enum(PERIODS), autoRenew: z.boolean(),
    status: z.enum(['pending_kyc', 'active', 'released', 'expired']), startedAt: dateOut().nullable(), expiresAt: dateOut().nullable(),
    routing: routingSchema.nullable(), recordingEnabled: z.boolean(), createdAt: dateOut(),
  })
  .meta({ id: 'NumberSubscription' });

export type SubscriptionRow = {
  id: string; tenant_id: string; number_id: string; e164: string; period: Period; auto_renew: boolean; status: 'pending_kyc' | 'active' | 'released' | 'expired';
  started_at: Date | null; expires_at: Date | null; routing_kind: Routing['kind'] | null; routing_sip_user_ids: string[] | null;
  routing_sip_uri: string | null; routing_forward_e164: string | null; recording_enabled: boolean; created_at: Date;
};

export const SUBSCRIPTION_SELECT = `SELECT s.*, n.e164 FROM number_subscriptions s JOIN numbers n ON n.id = s.number_id`;

export function toSubscription(r: SubscriptionRow): z.infer<typeof subscriptionSchema> {
  let routing: Routing | null = null;
  if (r.routing_kind === 'sip_users') routing = { kind: 'sip_users', sipUserIds: r.routing_sip_user_ids ?? [] };
  else if (r.routing_kind === 'sip_uri') routing = { kind: 'sip_uri', uri: r.routing_sip_uri ?? '' };
  else if (r.routing_kind === 'forward') routing = { kind: 'forward', e164: r.routing_forward_e164 ?? '' };
  return {
    id: r.id, numberId: r.number_id, e164: r.e164, period: r.period, autoRenew: r.auto_renew, status: r.status, startedAt: iso(r.started_at),
    expiresAt: iso(r.expires_at), routing, recordingEnabled: r.recording_enabled, createdAt: r.created_at.toISOString(),
  };
}

/** Column values of a routing target; SIP users must belong to the tenant. */
export async function routingColumns(c: PoolClient, tenantId: string, routing: Routing | null): Promise<unknown[]> {
  if (routing === null) return [null, null, null, null];
  switch (routing.kind) {
    case 'sip_users': {
      const ids = [...new Set(routing.sipUserIds)];
      const r = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM sip_users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
      if (one(r).n !== ids.length) throw new ApiError('API_VALIDATION_FAILED', 'unknown SIP user in routing target', { errors: [{ path: 'body.routing.sipUserIds', message: 'every id must be one of your SIP users' }] });
      return ['sip_users', ids, null, null];
    }
    case 'sip_uri':
      return ['sip_uri', null, routing.uri, null];
    case 'forward':
      return ['forward', null, null, routing.e164];
  }
}

/**
 * Activates a subscription: charges setup plus the first period (tenant_cash → revenue_numbers,
 * idempotent per subscription) and marks the number active. 402 when the balance does not cover it.
 */
export async function activateSubscription(c: PoolClient, sub: SubscriptionRow, number: NumberRow, nowMs: number): Promise<void> {
  const months = PERIOD_MONTHS[sub.period];
  const charge = number.setup_price_minor + number.monthly_price_minor * months;
  const { spendableMinor: spendable, currency } = await spendableMinor(c, sub.tenant_id);
  if (currency !== number.currency) throw new ApiError('API_CURRENCY_MISMATCH', `number is priced in ${number.currency}, the workspace pays in ${currency}`);
  if (charge > spendable) throw new ApiError('API_PAYMENT_REQUIRED', `balance does not cover ${charge} minor units for setup and the first ${sub.period}`);
  if (charge > 0) {
    await postTransaction(c, {
      idempotencyKey: `number:${sub.id}:activate`, kind: 'number_setup', tenantId: sub.tenant_id, currency, description: `number ${number.e164} setup and first ${sub.period}`,
      occurredAt: new Date(nowMs), metadata: { subscriptionId: sub.id, numberId: number.id, setupMinor: number.setup_price_minor, periodMonths: months },
      legs: [{ code: 'tenant_cash', tenantId: sub.tenant_id, amountMinor: -charge }, { code: 'revenue_numbers', tenantId: null, amountMinor: charge }],
    });
  }
  await c.query(`UPDATE number_subscriptions SET status = 'active', started_at = $2, expires_at = $2::timestamptz + make_interval(months => $3) WHERE id = $1`, [sub.id, new Date(nowMs), months]);
  await c.query(`UPDATE numbers SET status = 'active' WHERE id = $1`, [number.id]);
}
