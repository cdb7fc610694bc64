import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { API_KEY_SCOPES, generateApiKey } from '../auth/api-key.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, idParam, iso, isoDate, name, tenantIdParam } from '../http/common-schemas.js';
import type { RequestContext } from '../http/context.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ACCOUNTS_STAFF, TENANT_READ, TENANT_WRITE, tenantOf } from './access.js';
import { one } from '../db/rows.js';

const keyCreate = z
  .strictObject({ name: name(), scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(2), expiresAt: isoDate().optional() })
  .meta({ id: 'ApiKeyCreate' });

const apiKeySchema = z
  .object({ id: z.uuid(), name: z.string(), prefix: z.string(), scopes: z.array(z.enum(API_KEY_SCOPES)), expiresAt: dateOut().nullable(), revokedAt: dateOut().nullable(), createdAt: dateOut() })
  .meta({ id: 'ApiKey' });
const createdKeySchema = apiKeySchema.extend({ key: z.string().meta({ description: 'The secret key. Shown only in this response.' }) }).meta({ id: 'ApiKeyWithSecret' });

type KeyRow = { id: string; name: string; prefix: string; scopes: ('read' | 'write')[]; expires_at: Date | null; revoked_at: Date | null; created_at: Date };
const toKey = (r: KeyRow) => ({ id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes, expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at), createdAt: r.created_at.toISOString() });

async function createKey(c: PoolClient, deps: ApiDeps, ctx: RequestContext, tenantId: string, body: z.infer<typeof keyCreate>) {
  const { key, prefix, hash } = generateApiKey(deps.ids);
  const r = await c.query<KeyRow>(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [tenantId, body.name, prefix, hash, body.scopes, body.expiresAt ?? null],
  );
  const row = one(r);
  await writeAudit(c, ctx, { action: 'api_key.create', targetKind: 'api_key', targetId: row.id, tenantId, after: toKey(row) });
  return { ...toKey(row), key };
}

export function mountApiKeyRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants/:tenantId/api-keys', tag: 'Staff: tenants', summary: 'Issue an API key for a workspace (e.g. its first one)', auth: ACCOUNTS_STAFF,
      params: tenantIdParam, body: keyCreate, responses: { 201: { description: 'Created; the key is shown once', schema: createdKeySchema } },
    },
    async ({ params, body, ctx }) => {
      const created = await inScope(deps.pool, 'staff', async (c) => {
        const t = await c.query('SELECT 1 FROM tenants WHERE id = $1', [params.tenantId]);
        if (t.rowCount === 0) throw notFound('tenant');
        return createKey(c, deps, ctx, params.tenantId, body);
      });
      return { status: 201, body: created };
    },
  );

  routes.add(
    { method: 'post', path: '/v1/api-keys', tag: 'API keys', summary: 'Create another API key', auth: TENANT_WRITE, body: keyCreate, responses: { 201: { description: 'Created; the key is shown once', schema: createdKeySchema } } },
    async ({ body, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      return { status: 201, body: await inScope(deps.pool, { tenantId }, (c) => createKey(c, deps, ctx, tenantId, body)) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/api-keys', tag: 'API keys', summary: 'List API keys (never their secrets)', auth: TENANT_READ, query: z.strictObject(pageQuery), responses: { 200: { description: 'A page', schema: pageOf(apiKeySchema) } } },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<KeyRow>(
            `SELECT * FROM api_keys WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) > ($2::timestamptz, $3::uuid)) ORDER BY date_trunc('milliseconds', created_at), id LIMIT $4`,
            [tenantId, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.created_at.toISOString(), r.id], toKey) };
    },
  );

  routes.add(
    { method: 'delete', path: '/v1/api-keys/:id', tag: 'API keys', summary: 'Revoke an API key (effective on the next request)', auth: TENANT_WRITE, params: idParam, responses: { 200: { description: 'Revoked', schema: apiKeySchema } } },
    async ({ params, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => {
        const r = await c.query<KeyRow>(
          `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3) WHERE id = $1 AND tenant_id = $2 RETURNING *`,
          [params.id, tenantId, new Date(deps.clock.now())],
        );
        const updated = r.rows[0];
        if (!updated) throw notFound('API key');
        await writeAudit(c, ctx, { action: 'api_key.revoke', targetKind: 'api_key', targetId: updated.id, tenantId, after: toKey(updated) });
        return updated;
      });
      await deps.events.publish([{ entity: 'api_key', op: 'updated', id: row.id, tenantId, fields: ['revoked_at'] }]);
      return { status: 200, body: toKey(row) };
    },
  );
}
