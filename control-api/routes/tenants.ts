import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit, type AuditEntry } from '../http/audit.js';
import { country, currency, dateOut, digits, iso, isoDate, minor, name, tenantIdParam } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ACCOUNTS_STAFF, ANY_STAFF, TENANT_READ, tenantOf } from './access.js';
import { one } from '../db/rows.js';

const limitsAndFlags = {
  ageVerified: z.boolean(),
  recordingEnabled: z.boolean(),
  plainRtpPolicy: z.enum(['allow', 'reject']),
  maxConcurrentCalls: z.number().int().min(0).max(100_000),
  maxCps: z.number().int().min(0).max(10_000),
  creditLimitMinor: minor(),
  expiresAt: isoDate().nullable(),
  pricePlanId: z.uuid().nullable(),
};

const tenantCreate = z
  .strictObject({
    name: name(),
    country: country(),
    defaultDialPrefix: digits(4).regex(/^[1-9]/, { error: 'a country calling code does not start with 0' }),
    currency: currency(),
    sipRealm: z.string().toLowerCase().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, { error: 'expected a DNS-style realm' }),
    ...limitsAndFlags,
  })
  .partial({ ageVerified: true, recordingEnabled: true, plainRtpPolicy: true, maxConcurrentCalls: true, maxCps: true, creditLimitMinor: true, expiresAt: true, pricePlanId: true })
  .meta({ id: 'TenantCreate' });

const tenantUpdate = z
  .strictObject({ name: name(), status: z.enum(['active', 'suspended', 'closed']), ...limitsAndFlags })
  .partial()
  .meta({ id: 'TenantUpdate' });

export const tenantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: z.enum(['active', 'suspended', 'closed']),
    closedAt: dateOut().nullable(),
    expiresAt: dateOut().nullable(),
    country: z.string(),
    defaultDialPrefix: z.string(),
    currency: z.string(),
    sipRealm: z.string(),
    ageVerified: z.boolean(),
    recordingEnabled: z.boolean(),
    plainRtpPolicy: z.enum(['allow', 'reject']),
    maxConcurrentCalls: z.number().int(),
    maxCps: z.number().int(),
    creditLimitMinor: z.number().int(),
    pricePlanId: z.uuid().nullable(),
    createdAt: dateOut(),
  })
  .meta({ id: 'Tenant' });
type Tenant = z.infer<typeof tenantSchema>;

type TenantRow = {
  id: string; name: string; status: Tenant['status']; closed_at: Date | null; expires_at: Date | null; country: string;
  default_dial_prefix: string; currency: string; sip_realm: string; age_verified: boolean; recording_enabled: boolean;
  plain_rtp_policy: Tenant['plainRtpPolicy']; max_concurrent_calls: number; max_cps: number; credit_limit_minor: number;
  price_plan_id: string | null; created_at: Date;
};

function toTenant(r: TenantRow): Tenant {
  return {
    id: r.id, name: r.name, status: r.status, closedAt: iso(r.closed_at), expiresAt: iso(r.expires_at), country: r.country,
    defaultDialPrefix: r.default_dial_prefix, currency: r.currency, sipRealm: r.sip_realm, ageVerified: r.age_verified,
    recordingEnabled: r.recording_enabled, plainRtpPolicy: r.plain_rtp_policy, maxConcurrentCalls: r.max_concurrent_calls,
    maxCps: r.max_cps, creditLimitMinor: r.credit_limit_minor, pricePlanId: r.price_plan_id, createdAt: r.created_at.toISOString(),
  };
}

const COLUMNS: Record<string, string> = {
  name: 'name', status: 'status', ageVerified: 'age_verified', recordingEnabled: 'recording_enabled', plainRtpPolicy: 'plain_rtp_policy',
  maxConcurrentCalls: 'max_concurrent_calls', maxCps: 'max_cps', creditLimitMinor: 'credit_limit_minor', expiresAt: 'expires_at',
  pricePlanId: 'price_plan_id', country: 'country', defaultDialPrefix: 'default_dial_prefix', currency: 'currency', sipRealm: 'sip_realm',
};

async function loadTenant(c: PoolClient, id: string, lock = false): Promise<TenantRow | undefined> {
  return (await c.query<TenantRow>(`SELECT * FROM tenants WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id])).rows[0];
}

/** A price plan must be a 'price' deck that is shared or private to this tenant. */
async function assertPricePlan(c: PoolClient, planId: string | null | undefined, tenantId: string | null): Promise<void> {
  if (planId === null || planId === undefined) return;
  const r = await c.query(`SELECT 1 FROM rate_decks WHERE id = $1 AND kind = 'price' AND (tenant_id IS NULL OR tenant_id = $2)`, [planId, tenantId]);
  if (r.rowCount === 0) throw new ApiError('API_VALIDATION_FAILED', 'unknown price plan', { errors: [{ path: 'body.pricePlanId', message: 'no such price plan for this tenant' }] });
}

export type TenantCreate = z.infer<typeof tenantCreate>;
export { tenantCreate as tenantCreateSchema };

/** Inserts a tenant and its audit row (the API and the operator CLI both create tenants through here). */
export async function createTenant(c: PoolClient, body: TenantCreate, audit: (c: PoolClient, entry: AuditEntry) => Promise<void>): Promise<Tenant> {
  await assertPricePlan(c, body.pricePlanId, null);
  const entries = Object.entries(body).filter(([, v]) => v !== undefined);
  const cols = entries.map(([k]) => COLUMNS[k] ?? k);
  const r = await c.query<TenantRow>(
    `INSERT INTO tenants (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    entries.map(([, v]) => v),
  );
  const created = toTenant(one(r));
  await audit(c, { action: 'tenant.create', targetKind: 'tenant', targetId: created.id, tenantId: created.id, after: created });
  return created;
}

export function mountTenantRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    { method: 'get', path: '/v1/tenant', tag: 'Tenant', summary: 'The calling API key\'s workspace', auth: TENANT_READ, responses: { 200: { description: 'The workspace', schema: tenantSchema } } },
    async ({ principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, (c) => loadTenant(c, tenantId));
      if (!row) throw notFound('tenant');
      return { status: 200, body: toTenant(row) };
    },
  );

  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants', tag: 'Staff: tenants', summary: 'Create a workspace', auth: ACCOUNTS_STAFF, body: tenantCreate,
      responses: { 201: { description: 'Created', schema: tenantSchema } },
    },
    async ({ body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', (c) => createTenant(c, body, (cl, after) => writeAudit(cl, ctx, after)));
      await deps.events.publish([{ entity: 'tenant', op: 'created', id: row.id, tenantId: row.id }]);
      return { status: 201, body: row };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/staff/tenants', tag: 'Staff: tenants', summary: 'List workspaces', auth: ANY_STAFF,
      query: z.strictObject({ ...pageQuery, status: z.enum(['active', 'suspended', 'closed']).optional() }),
      responses: { 200: { description: 'A page of workspaces', schema: pageOf(tenantSchema) } },
    },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, 'staff', async (c) =>
        (
          await c.query<TenantRow>(
            `SELECT * FROM tenants WHERE ($1::text IS NULL OR status = $1)
               AND ($2::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) > ($2::timestamptz, $3::uuid))
             ORDER BY date_trunc('milliseconds', created_at), id LIMIT $4`,
            [query.status ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.created_at.toISOString(), r.id], toTenant) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/staff/tenants/:tenantId', tag: 'Staff: tenants', summary: 'Get a workspace', auth: ANY_STAFF, params: tenantIdParam, responses: { 200: { description: 'The workspace', schema: tenantSchema } } },
    async ({ params }) => {
      const row = await inScope(deps.pool, 'staff', (c) => loadTenant(c, params.tenantId));
      if (!row) throw notFound('tenant');
      return { status: 200, body: toTenant(row) };
    },
  );

  routes.add(
    {
      method: 'patch', path: '/v1/staff/tenants/:tenantId', tag: 'Staff: tenants', summary: 'Change status, limits or flags of a workspace', auth: ACCOUNTS_STAFF,
      params: tenantIdParam, body: tenantUpdate, responses: { 200: { description: 'Updated', schema: tenantSchema } },
    },
    async ({ params, body, ctx }) => {
      const { after } = await inScope(deps.pool, 'staff', async (c) => {
        const old = await loadTenant(c, params.tenantId, true);
        if (!old) throw notFound('tenant');
        await assertPricePlan(c, body.pricePlanId, params.tenantId);
        const entries = Object.entries(body).filter(([, v]) => v !== undefined);
        const sets = entries.map(([k], i) => `${COLUMNS[k] ?? k} = $${i + 2}`);
        if (body.status !== undefined) sets.push(body.status === 'closed' ? `closed_at = coalesce(closed_at, $${entries.length + 2}::timestamptz)` : 'closed_at = NULL');
        const values: unknown[] = [params.tenantId, ...entries.map(([, v]) => v)];
        if (body.status !== undefined && body.status === 'closed') values.push(new Date(deps.clock.now()));
        const r = sets.length === 0 ? old : one(await c.query<TenantRow>(`UPDATE tenants SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, values));
        await writeAudit(c, ctx, { action: 'tenant.update', targetKind: 'tenant', targetId: params.tenantId, tenantId: params.tenantId, before: toTenant(old), after: toTenant(r) });
        return { before: old, after: r };
      });
      await deps.events.publish([{ entity: 'tenant', op: 'updated', id: after.id, tenantId: after.id, fields: Object.keys(body).filter((k) => (body as Record<string, unknown>)[k] !== undefined) }]);
      return { status: 200, body: toTenant(after) };
    },
  );
}
