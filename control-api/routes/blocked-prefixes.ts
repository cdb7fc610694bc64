import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, digits, idParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route.js';
import { NETWORK_STAFF, TENANT_READ, TENANT_WRITE, tenantOf } from './access.js';
import { one } from '../db/rows.js';

const blockCreate = z.strictObject({ prefix: digits(15), reason: z.string().max(500).optional() }).meta({ id: 'BlockedPrefixCreate' });
const blockSchema = z.object({ id: z.uuid(), prefix: z.string(), reason: z.string(), global: z.boolean(), createdAt: dateOut() }).meta({ id: 'BlockedPrefix' });
type Row = { id: string; tenant_id: string | null; prefix: string; reason: string; created_at: Date };
const toBlock = (r: Row) => ({ id: r.id, prefix: r.prefix, reason: r.reason, global: r.tenant_id === null, createdAt: r.created_at.toISOString() });

/** Blocked destinations: a tenant's own list, and the operator's global list (tenant_id NULL). */
export function mountBlockedPrefixRoutes(routes: RouteTable, deps: ApiDeps): void {
  for (const who of ['tenant', 'staff'] as const) {
    const base = who === 'tenant' ? '/v1/blocked-prefixes' : '/v1/staff/blocked-prefixes';
    const tag = who === 'tenant' ? 'Blocked destinations' : 'Staff: routing';
    routes.add(
      { method: 'post', path: base, tag, summary: who === 'tenant' ? 'Block calls to a destination prefix' : 'Block a destination prefix for everyone', auth: who === 'tenant' ? TENANT_WRITE : NETWORK_STAFF, body: blockCreate, responses: { 201: { description: 'Blocked', schema: blockSchema } } },
      async ({ body, ctx, principal }) => {
        const tenantId = who === 'tenant' ? tenantOf(principal) : null;
        const row = await inScope(deps.pool, tenantId === null ? 'staff' : { tenantId }, async (c) => {
          const r = await c.query<Row>('INSERT INTO blocked_prefixes (tenant_id, prefix, reason) VALUES ($1, $2, $3) RETURNING *', [tenantId, body.prefix, body.reason ?? '']);
          await writeAudit(c, ctx, { action: 'blocked_prefix.create', targetKind: 'blocked_prefix', targetId: one(r).id, tenantId, after: toBlock(one(r)) });
          return one(r);
        });
        await deps.events.publish([{ entity: 'blocked_prefix', op: 'created', id: row.id, tenantId }]);
        return { status: 201, body: toBlock(row) };
      },
    );
    routes.add(
      { method: 'get', path: base, tag, summary: 'List blocked destination prefixes', auth: who === 'tenant' ? TENANT_READ : NETWORK_STAFF, responses: { 200: { description: 'All entries', schema: z.object({ items: z.array(blockSchema) }) } } },
      async ({ principal }) => {
        const tenantId = who === 'tenant' ? tenantOf(principal) : null;
        const rows = await inScope(deps.pool, tenantId === null ? 'staff' : { tenantId }, async (c) =>
          (await c.query<Row>('SELECT * FROM blocked_prefixes WHERE tenant_id IS NOT DISTINCT FROM $1 ORDER BY prefix LIMIT 10000', [tenantId])).rows,
        );
        return { status: 200, body: { items: rows.map(toBlock) } };
      },
    );
    routes.add(
      { method: 'delete', path: `${base}/:id`, tag, summary: 'Unblock', auth: who === 'tenant' ? TENANT_WRITE : NETWORK_STAFF, params: idParam, responses: { 204: { description: 'Removed' } } },
      async ({ params, ctx, principal }) => {
        const tenantId = who === 'tenant' ? tenantOf(principal) : null;
        await inScope(deps.pool, tenantId === null ? 'staff' : { tenantId }, async (c) => {
          const r = await c.query<Row>('DELETE FROM blocked_prefixes WHERE id = $1 AND tenant_id IS NOT DISTINCT FROM $2 RETURNING *', [params.id, tenantId]);
          if (!r.rows[0]) throw notFound('blocked prefix');
          await writeAudit(c, ctx, { action: 'blocked_prefix.delete', targetKind: 'blocked_prefix', targetId: params.id, tenantId, before: toBlock(r.rows[0]) });
        });
        await deps.events.publish([{ entity: 'blocked_prefix', op: 'deleted', id: params.id, tenantId }]);
        return { status: 204 };
      },
    );
  }
}
