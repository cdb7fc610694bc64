import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, idParam } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ANY_STAFF, NETWORK_STAFF } from './access.js';
import { one } from '../db/rows.js';

const routeCreate = z
  .strictObject({
    prefix: z.string().regex(/^[0-9]{0,15}$/, { error: 'expected 0-15 digits (empty = default route)' }),
    gatewayId: z.uuid(),
    priority: z.number().int().min(0).max(1_000_000).optional(),
    weight: z.number().int().min(0).max(1_000_000).optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'RouteCreate' });
const routeSchema = z
  .object({ id: z.uuid(), prefix: z.string(), gatewayId: z.uuid(), priority: z.number().int(), weight: z.number().int(), enabled: z.boolean(), createdAt: dateOut() })
  .meta({ id: 'Route' });
type Row = { id: string; prefix: string; gateway_id: string; priority: number; weight: number; enabled: boolean; created_at: Date };
const toRoute = (r: Row) => ({ id: r.id, prefix: r.prefix, gatewayId: r.gateway_id, priority: r.priority, weight: r.weight, enabled: r.enabled, createdAt: r.created_at.toISOString() });

export function mountOutboundRouteRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    { method: 'post', path: '/v1/staff/routes', tag: 'Staff: routing', summary: 'Route a destination prefix to a gateway', auth: NETWORK_STAFF, body: routeCreate, responses: { 201: { description: 'Created', schema: routeSchema } } },
    async ({ body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        const r = await c.query<Row>('INSERT INTO routes (prefix, gateway_id, priority, weight, enabled) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
          body.prefix, body.gatewayId, body.priority ?? 100, body.weight ?? 100, body.enabled ?? true,
        ]);
        await writeAudit(c, ctx, { action: 'route.create', targetKind: 'route', targetId: one(r).id, tenantId: null, after: toRoute(one(r)) });
        return one(r);
      });
      await deps.events.publish([{ entity: 'route', op: 'created', id: row.id, tenantId: null }]);
      return { status: 201, body: toRoute(row) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/staff/routes', tag: 'Staff: routing', summary: 'List routes by prefix', auth: ANY_STAFF, query: z.strictObject({ ...pageQuery, prefix: z.string().regex(/^[0-9]{0,15}$/).optional() }), responses: { 200: { description: 'A page', schema: pageOf(routeSchema) } } },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, 'staff', async (c) =>
        (
          await c.query<Row>(
            `SELECT * FROM routes WHERE ($1::text IS NULL OR prefix = $1) AND ($2::text IS NULL OR (prefix, id) > ($2, $3::uuid)) ORDER BY prefix, id LIMIT $4`,
            [query.prefix ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.prefix, r.id], toRoute) };
    },
  );

  routes.add(
    { method: 'delete', path: '/v1/staff/routes/:id', tag: 'Staff: routing', summary: 'Delete a route', auth: NETWORK_STAFF, params: idParam, responses: { 204: { description: 'Deleted' } } },
    async ({ params, ctx }) => {
      await inScope(deps.pool, 'staff', async (c) => {
        const r = await c.query<Row>('DELETE FROM routes WHERE id = $1 RETURNING *', [params.id]);
        if (!r.rows[0]) throw notFound('route');
        await writeAudit(c, ctx, { action: 'route.delete', targetKind: 'route', targetId: params.id, tenantId: null, before: toRoute(r.rows[0]) });
      });
      await deps.events.publish([{ entity: 'route', op: 'deleted', id: params.id, tenantId: null }]);
      return { status: 204 };
    },
  );
}
