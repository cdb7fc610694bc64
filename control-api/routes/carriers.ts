import { z } from 'zod';
import { seal } from '#lib/secret-box/index.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors/index.js';
import { writeAudit, type AuditEntry } from '../http/audit.js';
import type { PoolClient } from '#lib/db/index.js';
import { dateOut, idParam, name } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ANY_STAFF, NETWORK_STAFF } from './access.js';
import { one } from '../db/rows.js';

const carrierSchema = z.object({ id: z.uuid(), name: z.string(), enabled: z.boolean(), createdAt: dateOut() }).meta({ id: 'Carrier' });
type CarrierRow = { id: string; name: string; enabled: boolean; created_at: Date };
const toCarrier = (r: CarrierRow) => ({ id: r.id, name: r.name, enabled: r.enabled, createdAt: r.created_at.toISOString() });

const gatewayFields = {
  name: name(),
  address: z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/, { error: 'expected a host name or IP address' }),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(['udp', 'tcp', 'tls']),
  mediaEncryption: z.enum(['rtp', 'srtp']),
  techPrefix: z.string().regex(/^[0-9#*]{0,16}$/),
  maxConcurrentCalls: z.number().int().min(0).max(1_000_000),
  maxCps: z.number().int().min(0).max(100_000),
  enabled: z.boolean(),
  registerOut: z.boolean(),
  authUsername: z.string().min(1).max(128).nullable(),
  authPassword: z.string().min(1).max(256).nullable().meta({ description: 'Write-only; stored encrypted' }),
};
const gatewayCreate = z
  .strictObject(gatewayFields)
  .partial({ port: true, transport: true, mediaEncryption: true, techPrefix: true, maxConcurrentCalls: true, maxCps: true, enabled: true, registerOut: true, authUsername: true, authPassword: true })
  .meta({ id: 'GatewayCreate' });
const gatewayUpdate = z.strictObject(gatewayFields).partial().meta({ id: 'GatewayUpdate' });
const gatewaySchema = z
  .object({
    id: z.uuid(), carrierId: z.uuid(), name: z.string(), address: z.string(), port: z.number().int(), transport: z.enum(['udp', 'tcp', 'tls']), mediaEncryption: z.enum(['rtp', 'srtp']),
    techPrefix: z.string(), maxConcurrentCalls: z.number().int(), maxCps: z.number().int(), enabled: z.boolean(), registerOut: z.boolean(),
    authUsername: z.string().nullable(), hasAuthPassword: z.boolean(), acl: z.array(z.string()), createdAt: dateOut(),
  })
  .meta({ id: 'Gateway' });
type GatewayRow = {
  id: string; carrier_id: string; name: string; address: string; port: number; transport: 'udp' | 'tcp' | 'tls'; media_encryption: 'rtp' | 'srtp'; tech_prefix: string;
  max_concurrent_calls: number; max_cps: number; enabled: boolean; register_out: boolean; auth_username: string | null; has_auth_password: boolean; acl: string[]; created_at: Date;
};
const toGateway = (r: GatewayRow) => ({
  id: r.id, carrierId: r.carrier_id, name: r.name, address: r.address, port: r.port, transport: r.transport, mediaEncryption: r.media_encryption, techPrefix: r.tech_prefix,
  maxConcurrentCalls: r.max_concurrent_calls, maxCps: r.max_cps, enabled: r.enabled, registerOut: r.register_out, authUsername: r.auth_username,
  hasAuthPassword: r.has_auth_password, acl: r.acl, createdAt: r.created_at.toISOString(),
});
const GATEWAY_SELECT = `SELECT g.id, g.carrier_id, g.name, g.address, g.port, g.transport, g.media_encryption, g.tech_prefix, g.max_concurrent_calls, g.max_cps, g.enabled,
  g.register_out, g.auth_username, g.auth_password_enc IS NOT NULL AS has_auth_password, g.created_at,
  coalesce((SELECT array_agg(a.cidr::text ORDER BY a.cidr) FROM gateway_acl_entries a WHERE a.gateway_id = g.id), '{}') AS acl FROM gateways g`;
const GATEWAY_COLUMNS: Record<string, string> = {
  name: 'name', address: 'address', port: 'port', transport: 'transport', mediaEncryption: 'media_encryption', techPrefix: 'tech_prefix',
  maxConcurrentCalls: 'max_concurrent_calls', maxCps: 'max_cps', enabled: 'enabled', registerOut: 'register_out', authUsername: 'auth_username', authPassword: 'auth_password_enc',
};
const aclBody = z.strictObject({ cidr: z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()]) }).meta({ id: 'AclEntry' });
const gatewayAclParams = z.strictObject({ id: z.uuid(), cidr: z.string().max(64) });

/** Inserts a carrier and its audit row (API and operator CLI). */
export async function createCarrier(c: PoolClient, body: { name: string; enabled?: boolean | undefined }, audit: (c: PoolClient, entry: AuditEntry) => Promise<void>): Promise<z.infer<typeof carrierSchema>> {
  const r = await c.query<CarrierRow>('INSERT INTO carriers (name, enabled) VALUES ($1, $2) RETURNING *', [body.name, body.enabled ?? true]);
  const created = toCarrier(one(r));
  await audit(c, { action: 'carrier.create', targetKind: 'carrier', targetId: created.id, tenantId: null, after: created });
  return created;
}

export function mountCarrierRoutes(routes: RouteTable, deps: ApiDeps): void {
  const encrypt = (v: unknown): unknown => (typeof v === 'string' ? seal(deps.secretKey, v, deps.ids) : v);

  routes.add(
    { method: 'post', path: '/v1/staff/carriers', tag: 'Staff: carriers', summary: 'Create a carrier', auth: NETWORK_STAFF, body: z.strictObject({ name: name(), enabled: z.boolean().optional() }).meta({ id: 'CarrierCreate' }), responses: { 201: { description: 'Created', schema: carrierSchema } } },
    async ({ body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', (c) => createCarrier(c, body, (cl, entry) => writeAudit(cl, ctx, entry)));
      await deps.events.publish([{ entity: 'carrier', op: 'created', id: row.id, tenantId: null }]);
      return { status: 201, body: row };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/staff/carriers', tag: 'Staff: carriers', summary: 'List carriers', auth: ANY_STAFF, query: z.strictObject(pageQuery), responses: { 200: { description: 'A page', schema: pageOf(carrierSchema) } } },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 1);
      const rows = await inScope(deps.pool, 'staff', async (c) => (await c.query<CarrierRow>('SELECT * FROM carriers WHERE ($1::text IS NULL OR name > $1) ORDER BY name LIMIT $2', [after?.[0] ?? null, query.limit + 1])).rows);
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.name], toCarrier) };
    },
  );

  routes.add(
    {
      method: 'patch', path: '/v1/staff/carriers/:id', tag: 'Staff: carriers', summary: 'Rename or enable/disable a carrier', auth: NETWORK_STAFF, params: idParam,
      body: z.strictObject({ name: name(), enabled: z.boolean() }).partial().meta({ id: 'CarrierUpdate' }), responses: { 200: { description: 'Updated', schema: carrierSchema } },
    },
    async ({ params, body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        const old = (await c.query<CarrierRow>('SELECT * FROM carriers WHERE id = $1 FOR UPDATE', [params.id])).rows[0];
        if (!old) throw notFound('carrier');
        const updated = one(await c.query<CarrierRow>('UPDATE carriers SET name = coalesce($2, name), enabled = coalesce($3, enabled) WHERE id = $1 RETURNING *', [params.id, body.name ?? null, body.enabled ?? null]));
        await writeAudit(c, ctx, { action: 'carrier.update', targetKind: 'carrier', targetId: params.id, tenantId: null, before: toCarrier(old), after: toCarrier(updated) });
        return updated;
      });
      await deps.events.publish([{ entity: 'carrier', op: 'updated', id: row.id, tenantId: null, fields: Object.keys(body) }]);
      return { status: 200, body: toCarrier(row) };
    },
  );

  routes.add(
    { method: 'post', path: '/v1/staff/carriers/:id/gateways', tag: 'Staff: carriers', summary: 'Add a gateway to a carrier', auth: NETWORK_STAFF, params: idParam, body: gatewayCreate, responses: { 201: { description: 'Created', schema: gatewaySchema } } },
    async ({ params, body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        if ((await c.query('SELECT 1 FROM carriers WHERE id = $1', [params.id])).rowCount === 0) throw notFound('carrier');
        const entries = Object.entries(body).filter(([, v]) => v !== undefined);
        const cols = ['carrier_id', ...entries.map(([k]) => GATEWAY_COLUMNS[k] ?? k)];
        const values = [params.id, ...entries.map(([k, v]) => (k === 'authPassword' ? encrypt(v) : v))];
        const r = await c.query<{ id: string }>(`INSERT INTO gateways (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`, values);
        const created = one(await c.query<GatewayRow>(`${GATEWAY_SELECT} WHERE g.id = $1`, [one(r).id]));
        await writeAudit(c, ctx, { action: 'gateway.create', targetKind: 'gateway', targetId: created.id, tenantId: null, after: toGateway(created) });
        return created;
      });
      await deps.events.publish([{ entity: 'gateway', op: 'created', id: row.id, tenantId: null }]);
      return { status: 201, body: toGateway(row) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/staff/carriers/:id/gateways', tag: 'Staff: carriers', summary: 'List a carrier\'s gateways', auth: ANY_STAFF, params: idParam, responses: { 200: { description: 'Gateways', schema: z.object({ items: z.array(gatewaySchema) }) } } },
    async ({ params }) => {
      const rows = await inScope(deps.pool, 'staff', async (c) => (await c.query<GatewayRow>(`${GATEWAY_SELECT} WHERE g.carrier_id = $1 ORDER BY g.name`, [params.id])).rows);
      return { status: 200, body: { items: rows.map(toGateway) } };
    },
  );

  routes.add(
    { method: 'patch', path: '/v1/staff/gateways/:id', tag: 'Staff: carriers', summary: 'Change a gateway', auth: NETWORK_STAFF, params: idParam, body: gatewayUpdate, responses: { 200: { description: 'Updated', schema: gatewaySchema } } },
    async ({ params, body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        const old = (await c.query<GatewayRow>(`${GATEWAY_SELECT} WHERE g.id = $1 FOR UPDATE OF g`, [params.id])).rows[0];
        if (!old) throw notFound('gateway');
        const entries = Object.entries(body).filter(([, v]) => v !== undefined);
        if (entries.length > 0) {
          await c.query(
            `UPDATE gateways SET ${entries.map(([k], i) => `${GATEWAY_COLUMNS[k] ?? k} = $${i + 2}`).join(', ')} WHERE id = $1`,
            [params.id, ...entries.map(([k, v]) => (k === 'authPassword' ? encrypt(v) : v))],
          );
        }
        const updated = one(await c.query<GatewayRow>(`${GATEWAY_SELECT} WHERE g.id = $1`, [params.id]));
        await writeAudit(c, ctx, { action: 'gateway.update', targetKind: 'gateway', targetId: params.id, tenantId: null, before: toGateway(old), after: toGateway(updated) });
        return updated;
      });
      await deps.events.publish([{ entity: 'gateway', op: 'updated', id: row.id, tenantId: null, fields: Object.keys(body) }]);
      return { status: 200, body: toGateway(row) };
    },
  );

  routes.add(
    { method: 'post', path: '/v1/staff/gateways/:id/acl', tag: 'Staff: carriers', summary: 'Allow a source address or network to send calls in from this gateway', auth: NETWORK_STAFF, params: idParam, body: aclBody, responses: { 201: { description: 'Added', schema: gatewaySchema } } },
    async ({ params, body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        if ((await c.query('SELECT 1 FROM gateways WHERE id = $1', [params.id])).rowCount === 0) throw notFound('gateway');
        await c.query('INSERT INTO gateway_acl_entries (gateway_id, cidr) VALUES ($1, $2::cidr)', [params.id, body.cidr]);
        await writeAudit(c, ctx, { action: 'gateway.acl_add', targetKind: 'gateway', targetId: params.id, tenantId: null, after: { cidr: body.cidr } });
        return one(await c.query<GatewayRow>(`${GATEWAY_SELECT} WHERE g.id = $1`, [params.id]));
      });
      await deps.events.publish([{ entity: 'gateway', op: 'updated', id: row.id, tenantId: null, fields: ['acl'] }]);
      return { status: 201, body: toGateway(row) };
    },
  );

  routes.add(
    { method: 'delete', path: '/v1/staff/gateways/:id/acl/:cidr', tag: 'Staff: carriers', summary: 'Remove an ACL entry (CIDR URL-encoded, e.g. 192.0.2.0%2F24)', auth: NETWORK_STAFF, params: gatewayAclParams, responses: { 204: { description: 'Removed' } } },
    async ({ params, ctx }) => {
      await inScope(deps.pool, 'staff', async (c) => {
        const r = await c.query('DELETE FROM gateway_acl_entries WHERE gateway_id = $1 AND cidr::text = $2', [params.id, params.cidr.includes('/') ? params.cidr : `${params.cidr}/32`]);
        if (r.rowCount === 0) throw notFound('ACL entry');
        await writeAudit(c, ctx, { action: 'gateway.acl_remove', targetKind: 'gateway', targetId: params.id, tenantId: null, before: { cidr: params.cidr } });
      });
      await deps.events.publish([{ entity: 'gateway', op: 'updated', id: params.id, tenantId: null, fields: ['acl'] }]);
      return { status: 204 };
    },
  );
}
