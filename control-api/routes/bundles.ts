import { z } from 'zod';
import { inScope } from '../db/scope.js';
import { one } from '../db/rows.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, digits, idempotencyHeaders, minor, tenantIdParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route.js';
import { postTransaction, spendableMinor } from '../ledger/post-transaction.js';
import { ACCOUNTS_STAFF } from './access.js';

const bundleBody = z
  .strictObject({
    prefixes: z.array(digits(15)).min(1).max(100).meta({ description: 'Destination prefixes (E.164 digits) the minutes cover' }),
    seconds: z.number().int().min(60).max(100_000_000),
    priceMinor: minor().meta({ description: 'Charged to the balance (0 = free, e.g. a promotion)' }),
  })
  .meta({ id: 'MinuteBundleCredit' });
const bundleSchema = z
  .object({ id: z.uuid(), prefixes: z.array(z.string()), secondsGranted: z.number().int(), secondsRemaining: z.number().int(), creditedAt: dateOut(), expiresAt: dateOut(), replayed: z.boolean() })
  .meta({ id: 'MinuteBundle' });
type Row = { id: string; prefixes: string[]; seconds_granted: number; seconds_remaining: number; credited_at: Date; expires_at: Date };

export function mountBundleRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants/:tenantId/minute-bundles', tag: 'Staff: tenants',
      summary: 'Credit a minute bundle (expires one year after credit), charging its price; idempotent per Idempotency-Key', auth: ACCOUNTS_STAFF,
      params: tenantIdParam, headers: idempotencyHeaders, body: bundleBody,
      responses: { 201: { description: 'Credited', schema: bundleSchema }, 200: { description: 'Already credited with this key', schema: bundleSchema }, 402: { description: 'Balance too low' } },
    },
    async ({ params, headers, body, ctx }) => {
      const key = headers['idempotency-key'];
      const result = await inScope(deps.pool, 'staff', async (c) => {
        const t = (await c.query<{ currency: string }>('SELECT currency FROM tenants WHERE id = $1 FOR UPDATE', [params.tenantId])).rows[0];
        if (!t) throw notFound('tenant');
        const now = new Date(deps.clock.now());
        const metadata = { prefixes: body.prefixes, seconds: body.seconds, priceMinor: body.priceMinor };
        // A replay answers with the bundle already credited, whatever the balance is now (the tenant row lock
        // above serialises concurrent retries, so the second one sees the first's transaction here).
        const seen = await c.query<{ id: string }>('SELECT id FROM ledger_transactions WHERE idempotency_key = $1', [`bundle:${params.tenantId}:${key}`]);
        if ((seen.rowCount ?? 0) === 0 && body.priceMinor > (await spendableMinor(c, params.tenantId)).spendableMinor) {
          throw new ApiError('API_PAYMENT_REQUIRED', 'balance does not cover the bundle price');
        }
        const tx = await postTransaction(c, {
          idempotencyKey: `bundle:${params.tenantId}:${key}`, kind: 'bundle_purchase', tenantId: params.tenantId, currency: t.currency,
          description: `minute bundle ${body.seconds} s`, occurredAt: now, metadata,
          legs: body.priceMinor === 0 ? [] : [{ code: 'tenant_cash', tenantId: params.tenantId, amountMinor: -body.priceMinor }, { code: 'revenue_bundles', tenantId: null, amountMinor: body.priceMinor }],
        });
        if (!tx.created) {
          const same = tx.metadata['seconds'] === body.seconds && tx.metadata['priceMinor'] === body.priceMinor && JSON.stringify(tx.metadata['prefixes']) === JSON.stringify(body.prefixes);
          if (!same) throw new ApiError('API_IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used for a different bundle');
          return { row: one(await c.query<Row>('SELECT * FROM minute_bundles WHERE ledger_transaction_id = $1', [tx.id])), replayed: true };
        }
        const r = await c.query<Row>(
          `INSERT INTO minute_bundles (tenant_id, prefixes, seconds_granted, seconds_remaining, credited_at, expires_at, ledger_transaction_id)
           VALUES ($1, $2, $3, $3, $4, $4::timestamptz + interval '1 year', $5) RETURNING *`,
          [params.tenantId, body.prefixes, body.seconds, now, tx.id],
        );
        await writeAudit(c, ctx, { action: 'bundle.credit', targetKind: 'minute_bundle', targetId: one(r).id, tenantId: params.tenantId, after: { ...metadata, idempotencyKey: key } });
        return { row: one(r), replayed: false };
      });
      if (!result.replayed) await deps.events.publish([{ entity: 'balance', op: 'updated', id: params.tenantId, tenantId: params.tenantId, fields: ['minute_bundles'] }]);
      const r = result.row;
      return {
        status: result.replayed ? 200 : 201,
        body: { id: r.id, prefixes: r.prefixes, secondsGranted: r.seconds_granted, secondsRemaining: r.seconds_remaining, creditedAt: r.credited_at.toISOString(), expiresAt: r.expires_at.toISOString(), replayed: result.replayed },
      };
    },
  );
}
