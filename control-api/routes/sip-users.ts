import { z } from 'zod';
import { digestHa1 } from '../auth/credentials.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, e164, idParam } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { TENANT_READ, TENANT_WRITE, tenantOf } from './access.js';
import { one } from '../db/rows.js';

const password = () => z.string().min(10).max(128).meta({ description: 'Stored only as digest HA1 values' });
const sipUserCreate = z
  .strictObject({
    username: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'expected 1-64 of A-Z a-z 0-9 . _ -' }),
    password: password(),
    displayName: z.string().max(200).optional(),
    callerIdE164: e164().optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'SipUserCreate' });
const sipUserUpdate = z
  .strictObject({ password: password(), displayName: z.string().max(200).nullable(), callerIdE164: e164().nullable(), enabled: z.boolean() })
  .partial()
  .meta({ id: 'SipUserUpdate' });

export const sipUserSchema = z
  .object({ id: z.uuid(), username: z.string(), realm: z.string(), displayName: z.string().nullable(), callerIdE164: z.string().nullable(), enabled: z.boolean(), createdAt: dateOut() })
  .meta({ id: 'SipUser' });

type Row = { id: string; username: string; realm: string; display_name: string | null; caller_id_e164: string | null; enabled: boolean; created_at: Date };
const toSipUser = (r: Row) => ({ id: r.id, username: r.username, realm: r.realm, displayName: r.display_name, callerIdE164: r.caller_id_e164, enabled: r.enabled, createdAt: r.created_at.toISOString() });
const PUBLIC_COLS = 'id, username, realm, display_name, caller_id_e164, enabled, created_at';

export function mountSipUserRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    { method: 'post', path: '/v1/sip-users', tag: 'SIP users', summary: 'Create softphone credentials', auth: TENANT_WRITE, body: sipUserCreate, responses: { 201: { description: 'Created', schema: sipUserSchema } } },
    async ({ body, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => {
        const realm = one(await c.query<{ sip_realm: string }>('SELECT sip_realm FROM tenants WHERE id = $1', [tenantId])).sip_realm;
        const ha1 = digestHa1(body.username, realm, body.password);
        const r = await c.query<Row>(
          `INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256, display_name, caller_id_e164, enabled)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PUBLIC_COLS}`,
          [tenantId, body.username, realm, ha1.md5, ha1.sha256, body.displayName ?? null, body.callerIdE164 ?? null, body.enabled ?? true],
        );
        await writeAudit(c, ctx, { action: 'sip_user.create', targetKind: 'sip_user', targetId: one(r).id, tenantId, after: toSipUser(one(r)) });
        return one(r);
      });
      await deps.events.publish([{ entity: 'sip_user', op: 'created', id: row.id, tenantId }]);
      return { status: 201, body: toSipUser(row) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/sip-users', tag: 'SIP users', summary: 'List SIP users', auth: TENANT_READ, query: z.strictObject(pageQuery), responses: { 200: { description: 'A page', schema: pageOf(sipUserSchema) } } },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 1);
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (await c.query<Row>(`SELECT ${PUBLIC_COLS} FROM sip_users WHERE tenant_id = $1 AND ($2::text IS NULL OR username > $2) ORDER BY username LIMIT $3`, [tenantId, after?.[0] ?? null, query.limit + 1])).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.username], toSipUser) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/sip-users/:id', tag: 'SIP users', summary: 'Get a SIP user', auth: TENANT_READ, params: idParam, responses: { 200: { description: 'The SIP user', schema: sipUserSchema } } },
    async ({ params, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => (await c.query<Row>(`SELECT ${PUBLIC_COLS} FROM sip_users WHERE id = $1 AND tenant_id = $2`, [params.id, tenantId])).rows[0]);
      if (!row) throw notFound('SIP user');
      return { status: 200, body: toSipUser(row) };
    },
  );

  routes.add(
    { method: 'patch', path: '/v1/sip-users/:id', tag: 'SIP users', summary: 'Change password, caller id or enable/disable', auth: TENANT_WRITE, params: idParam, body: sipUserUpdate, responses: { 200: { description: 'Updated', schema: sipUserSchema } } },
    async ({ params, body, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => {
        const old = (await c.query<Row>(`SELECT ${PUBLIC_COLS} FROM sip_users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [params.id, tenantId])).rows[0];
        if (!old) throw notFound('SIP user');
        const ha1 = body.password === undefined ? undefined : digestHa1(old.username, old.realm, body.password);
        const r = await c.query<Row>(
          `UPDATE sip_users SET
             ha1_md5 = coalesce($3, ha1_md5), ha1_sha256 = coalesce($4, ha1_sha256),
             display_name = CASE WHEN $5 THEN $6 ELSE display_name END,
             caller_id_e164 = CASE WHEN $7 THEN $8 ELSE caller_id_e164 END,
             enabled = coalesce($9, enabled)
           WHERE id = $1 AND tenant_id = $2 RETURNING ${PUBLIC_COLS}`,
          [params.id, tenantId, ha1?.md5 ?? null, ha1?.sha256 ?? null, body.displayName !== undefined, body.displayName ?? null, body.callerIdE164 !== undefined, body.callerIdE164 ?? null, body.enabled ?? null],
        );
        const after = one(r);
        await writeAudit(c, ctx, { action: 'sip_user.update', targetKind: 'sip_user', targetId: params.id, tenantId, before: toSipUser(old), after: { ...toSipUser(after), passwordChanged: ha1 !== undefined } });
        return after;
      });
      await deps.events.publish([{ entity: 'sip_user', op: 'updated', id: row.id, tenantId }]);
      return { status: 200, body: toSipUser(row) };
    },
  );

  routes.add(
    { method: 'delete', path: '/v1/sip-users/:id', tag: 'SIP users', summary: 'Delete a SIP user', auth: TENANT_WRITE, params: idParam, responses: { 204: { description: 'Deleted' } } },
    async ({ params, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      await inScope(deps.pool, { tenantId }, async (c) => {
        const r = await c.query<Row>(`DELETE FROM sip_users WHERE id = $1 AND tenant_id = $2 RETURNING ${PUBLIC_COLS}`, [params.id, tenantId]);
        if (!r.rows[0]) throw notFound('SIP user');
        await writeAudit(c, ctx, { action: 'sip_user.delete', targetKind: 'sip_user', targetId: params.id, tenantId, before: toSipUser(r.rows[0]) });
      });
      await deps.events.publish([{ entity: 'sip_user', op: 'deleted', id: params.id, tenantId }]);
      return { status: 204 };
    },
  );
}
