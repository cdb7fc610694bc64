import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { removeNumberData } from '#lib/retention/index.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { country, currency, e164, idParam, minor } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ACCOUNTS_STAFF, ANY_STAFF, TENANT_READ, TENANT_WRITE, tenantOf } from './access.js';
import {
  activateSubscription, numberSchema, PERIOD_MONTHS, PERIODS, routingColumns, routingSchema, SUBSCRIPTION_SELECT, subscriptionSchema, toNumber, toSubscription,
  type NumberRow, type SubscriptionRow,
} from './number-model.js';
import { one } from '../db/rows.js';

const numberType = z.enum(['local', 'mobile', 'toll_free']);
const purchaseBody = z
  .strictObject({ numberId: z.uuid(), period: z.enum(PERIODS), autoRenew: z.boolean().optional(), routing: routingSchema.optional() })
  .meta({ id: 'NumberPurchase' });
const subscriptionUpdate = z
  .strictObject({
    autoRenew: z.boolean(),
    period: z.enum(PERIODS).meta({ description: 'Upgrade to a longer period from the next renewal; shorter is refused' }),
    routing: routingSchema.nullable(),
    recordingEnabled: z.boolean().meta({ description: 'Record calls to and from this number (off by default; the workspace setting records all calls)' }),
  })
  .partial()
  .meta({ id: 'NumberSubscriptionUpdate' });
const inventoryCreate = z
  .strictObject({ e164: e164(), country: country(), type: numberType, monthlyPriceMinor: minor(), setupPriceMinor: minor().optional(), currency: currency(), kycRequired: z.boolean().optional(), carrierId: z.uuid().optional() })
  .meta({ id: 'NumberCreate' });

async function loadSubscription(c: PoolClient, id: string, tenantId: string | null, lock = false): Promise<SubscriptionRow | undefined> {
  const r = await c.query<SubscriptionRow>(`${SUBSCRIPTION_SELECT} WHERE s.id = $1 AND ($2::uuid IS NULL OR s.tenant_id = $2)${lock ? ' FOR UPDATE OF s' : ''}`, [id, tenantId]);
  return r.rows[0];
}

/** Re-reads a subscription this transaction just wrote. */
async function reload(c: PoolClient, id: string, tenantId: string | null): Promise<SubscriptionRow> {
  const row = await loadSubscription(c, id, tenantId);
  if (!row) throw new Error(`subscription ${id} vanished inside its own transaction`);
  return row;
}

export function mountNumberRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'get', path: '/v1/numbers/available', tag: 'Numbers', summary: 'Search the inventory for numbers to buy', auth: TENANT_READ,
      query: z.strictObject({ ...pageQuery, country: country().optional(), type: numberType.optional(), startsWith: z.string().regex(/^\+?[0-9]{1,15}$/).optional() }),
      responses: { 200: { description: 'A page of available numbers', schema: pageOf(numberSchema) } },
    },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 1);
      const starts = query.startsWith === undefined ? null : `+${query.startsWith.replace(/^\+/, '')}`;
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<NumberRow>(
            `SELECT * FROM numbers WHERE status = 'available' AND ($1::text IS NULL OR country = $1) AND ($2::text IS NULL OR number_type = $2)
               AND ($3::text IS NULL OR starts_with(e164, $3)) AND ($4::text IS NULL OR e164 > $4) ORDER BY e164 LIMIT $5`,
            [query.country ?? null, query.type ?? null, starts, after?.[0] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.e164], toNumber) };
    },
  );

  routes.add(
    {
      method: 'post', path: '/v1/number-subscriptions', tag: 'Numbers', summary: 'Buy a number from the inventory (pending_kyc when the number needs KYC)', auth: TENANT_WRITE,
      body: purchaseBody, responses: { 201: { description: 'Subscribed (active, or pending_kyc until staff approve)', schema: subscriptionSchema }, 402: { description: 'Balance too low' }, 409: { description: 'Number not available' } },
    },
    async ({ body, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const sub = await inScope(deps.pool, { tenantId }, async (c) => {
        await c.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
        const number = (await c.query<NumberRow>('SELECT * FROM numbers WHERE id = $1 FOR UPDATE', [body.numberId])).rows[0];
        if (!number || number.status !== 'available') throw new ApiError('API_NUMBER_UNAVAILABLE', 'this number is not available');
        const routing = await routingColumns(c, tenantId, body.routing ?? null);
        const status = number.kyc_required ? 'pending_kyc' : 'active';
        const ins = await c.query<{ id: string }>(
          `INSERT INTO number_subscriptions (tenant_id, number_id, period, auto_renew, status, started_at, expires_at, routing_kind, routing_sip_user_ids, routing_sip_uri, routing_forward_e164)
           VALUES ($1, $2, $3, $4, 'pending_kyc', NULL, NULL, $5, $6, $7, $8) RETURNING id`,
          [tenantId, number.id, body.period, body.autoRenew ?? true, ...routing],
        );
        const created = await reload(c, one(ins).id, tenantId);
        if (status === 'active') await activateSubscription(c, created, number, deps.clock.now());
        else await c.query(`UPDATE numbers SET status = 'pending_kyc' WHERE id = $1`, [number.id]);
        const result = await reload(c, created.id, tenantId);
        await writeAudit(c, ctx, { action: 'number.purchase', targetKind: 'number_subscription', targetId: result.id, tenantId, after: toSubscription(result) });
        return result;
      });
      await deps.events.publish([
        { entity: 'number_subscription', op: 'created', id: sub.id, tenantId },
        { entity: 'number', op: 'updated', id: sub.number_id, tenantId: null, fields: ['status'] },
      ]);
      return { status: 201, body: toSubscription(sub) };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/number-subscriptions', tag: 'Numbers', summary: 'List your numbers', auth: TENANT_READ,
      query: z.strictObject({ ...pageQuery, status: z.enum(['pending_kyc', 'active', 'released', 'expired']).optional() }),
      responses: { 200: { description: 'A page', schema: pageOf(subscriptionSchema) } },
    },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<SubscriptionRow>(
            `${SUBSCRIPTION_SELECT} WHERE s.tenant_id = $1 AND ($2::text IS NULL OR s.status = $2)
               AND ($3::timestamptz IS NULL OR (date_trunc('milliseconds', s.created_at), s.id) > ($3::timestamptz, $4::uuid)) ORDER BY date_trunc('milliseconds', s.created_at), s.id LIMIT $5`,
            [tenantId, query.status ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.created_at.toISOString(), r.id], toSubscription) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/number-subscriptions/:id', tag: 'Numbers', summary: 'Get one of your numbers', auth: TENANT_READ, params: idParam, responses: { 200: { description: 'The subscription', schema: subscriptionSchema } } },
    async ({ params, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, (c) => loadSubscription(c, params.id, tenantId));
      if (!row) throw notFound('number subscription');
      return { status: 200, body: toSubscription(row) };
    },
  );

  routes.add(
    {
      method: 'patch', path: '/v1/number-subscriptions/:id', tag: 'Numbers', summary: 'Toggle auto-renew, upgrade the period, set the routing target, turn call recording on or off for the number', auth: TENANT_WRITE,
      params: idParam, body: subscriptionUpdate, responses: { 200: { description: 'Updated', schema: subscriptionSchema } },
    },
    async ({ params, body, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => {
        const old = await loadSubscription(c, params.id, tenantId, true);
        if (!old || old.status === 'released' || old.status === 'expired') throw notFound('number subscription');
        if (body.period !== undefined && PERIOD_MONTHS[body.period] < PERIOD_MONTHS[old.period]) {
          throw new ApiError('API_PERIOD_DOWNGRADE', `cannot change from ${old.period} to the shorter ${body.period}`, { errors: [{ path: 'body.period', message: 'only upgrades to a longer period are allowed' }] });
        }
        const routing = body.routing === undefined ? undefined : await routingColumns(c, tenantId, body.routing);
        await c.query(
          `UPDATE number_subscriptions SET auto_renew = coalesce($2, auto_renew), period = coalesce($3, period),
             routing_kind = CASE WHEN $4 THEN $5 ELSE routing_kind END, routing_sip_user_ids = CASE WHEN $4 THEN $6::uuid[] ELSE routing_sip_user_ids END,
             routing_sip_uri = CASE WHEN $4 THEN $7 ELSE routing_sip_uri END, routing_forward_e164 = CASE WHEN $4 THEN $8 ELSE routing_forward_e164 END,
             recording_enabled = coalesce($9, recording_enabled)
           WHERE id = $1`,
          [params.id, body.autoRenew ?? null, body.period ?? null, routing !== undefined, ...(routing ?? [null, null, null, null]), body.recordingEnabled ?? null],
        );
        const updated = await reload(c, params.id, tenantId);
        await writeAudit(c, ctx, { action: 'number_subscription.update', targetKind: 'number_subscription', targetId: params.id, tenantId, before: toSubscription(old), after: toSubscription(updated) });
        return updated;
      });
      await deps.events.publish([{ entity: 'number_subscription', op: 'updated', id: row.id, tenantId, fields: Object.keys(body) }]);
      return { status: 200, body: toSubscription(row) };
    },
  );

  routes.add(
    {
      method: 'post', path: '/v1/number-subscriptions/:id/release', tag: 'Numbers', summary: 'Release a number (it goes to quarantine, then back to the inventory)', auth: TENANT_WRITE,
      params: idParam, responses: { 200: { description: 'Released', schema: subscriptionSchema } },
    },
    async ({ params, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => {
        const old = await loadSubscription(c, params.id, tenantId, true);
        if (!old || old.status === 'released' || old.status === 'expired') throw notFound('number subscription');
        const now = new Date(deps.clock.now());
        await c.query(`UPDATE number_subscriptions SET status = 'released', ended_at = $2, auto_renew = false WHERE id = $1`, [params.id, now]);
        // The number leaves the workspace: its routing, recording opt-in and diagnostic windows go too.
        await removeNumberData(c, params.id, old.number_id);
        await c.query(`UPDATE numbers SET status = 'quarantine', quarantine_until = $2::timestamptz + make_interval(days => $3) WHERE id = $1`, [old.number_id, now, deps.config.NUMBER_QUARANTINE_DAYS]);
        const updated = await reload(c, params.id, tenantId);
        await writeAudit(c, ctx, { action: 'number.release', targetKind: 'number_subscription', targetId: params.id, tenantId, before: toSubscription(old), after: toSubscription(updated) });
        return updated;
      });
      await deps.events.publish([
        { entity: 'number_subscription', op: 'updated', id: row.id, tenantId, fields: ['status'] },
        { entity: 'number', op: 'updated', id: row.number_id, tenantId: null, fields: ['status'] },
      ]);
      return { status: 200, body: toSubscription(row) };
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    routes.add(
      {
        method: 'post', path: `/v1/staff/number-subscriptions/:id/${decision}-kyc`, tag: 'Staff: numbers',
        summary: decision === 'approve' ? 'Approve the KYC documents: activates and charges the subscription' : 'Reject the KYC documents: the number returns to the inventory',
        auth: ACCOUNTS_STAFF, params: idParam, responses: { 200: { description: 'Decided', schema: subscriptionSchema }, 402: { description: 'Balance too low to activate' } },
      },
      async ({ params, ctx }) => {
        const row = await inScope(deps.pool, 'staff', async (c) => {
          const old = await loadSubscription(c, params.id, null, true);
          if (!old) throw notFound('number subscription');
          if (old.status !== 'pending_kyc') throw new ApiError('API_CONFLICT', `subscription is ${old.status}, not pending_kyc`);
          await c.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [old.tenant_id]);
          const number = one(await c.query<NumberRow>('SELECT * FROM numbers WHERE id = $1 FOR UPDATE', [old.number_id]));
          if (decision === 'approve') {
            await activateSubscription(c, old, number, deps.clock.now());
          } else {
            await c.query(`UPDATE number_subscriptions SET status = 'released', ended_at = $2 WHERE id = $1`, [old.id, new Date(deps.clock.now())]);
            await c.query(`UPDATE numbers SET status = 'available' WHERE id = $1`, [number.id]);
          }
          const updated = await reload(c, params.id, null);
          await writeAudit(c, ctx, { action: `number.kyc_${decision}`, targetKind: 'number_subscription', targetId: params.id, tenantId: old.tenant_id, before: toSubscription(old), after: toSubscription(updated) });
          return updated;
        });
        await deps.events.publish([
          { entity: 'number_subscription', op: 'updated', id: row.id, tenantId: row.tenant_id, fields: ['status'] },
          { entity: 'number', op: 'updated', id: row.number_id, tenantId: null, fields: ['status'] },
        ]);
        return { status: 200, body: toSubscription(row) };
      },
    );
  }

  routes.add(
    { method: 'post', path: '/v1/staff/numbers', tag: 'Staff: numbers', summary: 'Add a number to the inventory', auth: ACCOUNTS_STAFF, body: inventoryCreate, responses: { 201: { description: 'Added', schema: numberSchema } } },
    async ({ body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        const r = await c.query<NumberRow>(
          `INSERT INTO numbers (e164, country, number_type, monthly_price_minor, setup_price_minor, currency, kyc_required, carrier_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [body.e164, body.country, body.type, body.monthlyPriceMinor, body.setupPriceMinor ?? 0, body.currency, body.kycRequired ?? false, body.carrierId ?? null],
        );
        await writeAudit(c, ctx, { action: 'number.create', targetKind: 'number', targetId: one(r).id, tenantId: null, after: toNumber(one(r)) });
        return one(r);
      });
      await deps.events.publish([{ entity: 'number', op: 'created', id: row.id, tenantId: null }]);
      return { status: 201, body: toNumber(row) };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/staff/numbers', tag: 'Staff: numbers', summary: 'List the inventory', auth: ANY_STAFF,
      query: z.strictObject({ ...pageQuery, status: z.enum(['available', 'reserved', 'active', 'quarantine', 'pending_kyc']).optional() }),
      responses: { 200: { description: 'A page', schema: pageOf(numberSchema) } },
    },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 1);
      const rows = await inScope(deps.pool, 'staff', async (c) =>
        (await c.query<NumberRow>(`SELECT * FROM numbers WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR e164 > $2) ORDER BY e164 LIMIT $3`, [query.status ?? null, after?.[0] ?? null, query.limit + 1])).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.e164], toNumber) };
    },
  );
}

const staffSubscriptionSchema = subscriptionSchema.extend({ tenantId: z.uuid() }).meta({ id: 'StaffNumberSubscription' });

/** Staff view across tenants, e.g. the queue of subscriptions waiting for a KYC decision. */
export function mountStaffSubscriptionRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'get', path: '/v1/staff/number-subscriptions', tag: 'Staff: numbers', summary: 'Number subscriptions across workspaces (e.g. status=pending_kyc)', auth: ANY_STAFF,
      query: z.strictObject({ ...pageQuery, status: z.enum(['pending_kyc', 'active', 'released', 'expired']).optional(), tenantId: z.uuid().optional() }),
      responses: { 200: { description: 'A page, oldest first', schema: pageOf(staffSubscriptionSchema) } },
    },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, 'staff', async (c) =>
        (
          await c.query<SubscriptionRow>(
            `${SUBSCRIPTION_SELECT} WHERE ($1::text IS NULL OR s.status = $1) AND ($2::uuid IS NULL OR s.tenant_id = $2)
               AND ($3::timestamptz IS NULL OR (date_trunc('milliseconds', s.created_at), s.id) > ($3::timestamptz, $4::uuid))
             ORDER BY date_trunc('milliseconds', s.created_at), s.id LIMIT $5`,
            [query.status ?? null, query.tenantId ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.created_at.toISOString(), r.id], (r) => ({ ...toSubscription(r), tenantId: r.tenant_id })) };
    },
  );
}
