import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { dateOut } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ANY_STAFF } from './access.js';

const auditSchema = z
  .object({
    id: z.number().int(), at: dateOut(), actorKind: z.string(), actorId: z.string(), tenantId: z.uuid().nullable(), action: z.string(), targetKind: z.string(),
    targetId: z.string().nullable(), ip: z.string().nullable(), requestId: z.string().nullable(), before: z.unknown(), after: z.unknown(),
  })
  .meta({ id: 'AuditEntry' });
type Row = { id: number; at: Date; actor_kind: string; actor_id: string; tenant_id: string | null; action: string; target_kind: string; target_id: string | null; ip: string | null; request_id: string | null; before: unknown; after: unknown };

export function mountAuditLogRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'get', path: '/v1/staff/audit-log', tag: 'Staff: audit', summary: 'Audit log, newest first', auth: ANY_STAFF,
      query: z.strictObject({ ...pageQuery, tenantId: z.uuid().optional(), action: z.string().max(100).optional() }),
      responses: { 200: { description: 'A page', schema: pageOf(auditSchema) } },
    },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 1);
      const rows = await inScope(deps.pool, 'staff', async (c) =>
        (
          await c.query<Row>(
            `SELECT id, at, actor_kind, actor_id, tenant_id, action, target_kind, target_id, host(ip) AS ip, request_id, before, after FROM audit_log
              WHERE ($1::uuid IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
            [query.tenantId ?? null, query.action ?? null, after?.[0] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return {
        status: 200,
        body: paginate(rows, query.limit, (r) => [String(r.id)], (r) => ({
          id: r.id, at: r.at.toISOString(), actorKind: r.actor_kind, actorId: r.actor_id, tenantId: r.tenant_id, action: r.action, targetKind: r.target_kind,
          targetId: r.target_id, ip: r.ip, requestId: r.request_id, before: r.before, after: r.after,
        })),
      };
    },
  );
}
