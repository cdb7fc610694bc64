import { z } from 'zod';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../auth/credentials.js';
import { TENANT_USER_ROLES, type TenantUserRole } from '../auth/tenant-user-token.js';
import { inScope } from '../db/scope.js';
import { one } from '../db/rows.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, name, tenantIdParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route.js';
import { ACCOUNTS_STAFF, ANY_STAFF } from './access.js';

const userCreate = z
  .strictObject({ email: z.email().max(254), displayName: name(), role: z.enum(TENANT_USER_ROLES), password: z.string().min(12).max(256) })
  .meta({ id: 'TenantUserCreate' });
const userUpdate = z.strictObject({ role: z.enum(TENANT_USER_ROLES), status: z.enum(['active', 'disabled']) }).partial().meta({ id: 'TenantUserUpdate' });
const userSchema = z
  .object({ id: z.uuid(), tenantId: z.uuid(), email: z.string(), displayName: z.string(), role: z.enum(TENANT_USER_ROLES), status: z.enum(['active', 'disabled']), createdAt: dateOut() })
  .meta({ id: 'TenantUser' });
type Row = { id: string; tenant_id: string; email: string; display_name: string; role: TenantUserRole; status: 'active' | 'disabled'; created_at: Date };
const toUser = (r: Row) => ({ id: r.id, tenantId: r.tenant_id, email: r.email, displayName: r.display_name, role: r.role, status: r.status, createdAt: r.created_at.toISOString() });
const COLS = 'id, tenant_id, email, display_name, role, status, created_at';

const loginBody = z
  .strictObject({ workspaceId: z.uuid(), email: z.string().max(254), password: z.string().min(1).max(256) })
  .meta({ id: 'TenantUserLogin' });


/** Portal users of a workspace: created by staff; they log in for a token usable on the tenant routes. */
export function mountTenantUserRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants/:tenantId/users', tag: 'Staff: tenants', summary: 'Create a workspace user (owner, member or billing)', auth: ACCOUNTS_STAFF,
      params: tenantIdParam, body: userCreate, responses: { 201: { description: 'Created', schema: userSchema } },
    },
    async ({ params, body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        if ((await c.query('SELECT 1 FROM tenants WHERE id = $1', [params.tenantId])).rowCount === 0) throw notFound('tenant');
        const r = one(
          await c.query<Row>(`INSERT INTO tenant_users (tenant_id, email, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLS}`, [
            params.tenantId, body.email, body.displayName, body.role, await hashPassword(body.password),
          ]),
        );
        await writeAudit(c, ctx, { action: 'tenant_user.create', targetKind: 'tenant_user', targetId: r.id, tenantId: params.tenantId, after: toUser(r) });
        return r;
      });
      return { status: 201, body: toUser(row) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/staff/tenants/:tenantId/users', tag: 'Staff: tenants', summary: 'List a workspace\'s users', auth: ANY_STAFF, params: tenantIdParam, responses: { 200: { description: 'All users', schema: z.object({ items: z.array(userSchema) }) } } },
    async ({ params }) => {
      const rows = await inScope(deps.pool, 'staff', async (c) => (await c.query<Row>(`SELECT ${COLS} FROM tenant_users WHERE tenant_id = $1 ORDER BY email LIMIT 1000`, [params.tenantId])).rows);
      return { status: 200, body: { items: rows.map(toUser) } };
    },
  );

  routes.add(
    {
      method: 'patch', path: '/v1/staff/tenants/:tenantId/users/:userId', tag: 'Staff: tenants', summary: 'Change a workspace user\'s role or disable it (effective on its next request)', auth: ACCOUNTS_STAFF,
      params: z.strictObject({ tenantId: z.uuid(), userId: z.uuid() }), body: userUpdate, responses: { 200: { description: 'Updated', schema: userSchema } },
    },
    async ({ params, body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        const old = (await c.query<Row>(`SELECT ${COLS} FROM tenant_users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [params.userId, params.tenantId])).rows[0];
        if (!old) throw notFound('workspace user');
        const r = one(await c.query<Row>(`UPDATE tenant_users SET role = coalesce($2, role), status = coalesce($3, status) WHERE id = $1 RETURNING ${COLS}`, [params.userId, body.role ?? null, body.status ?? null]));
        await writeAudit(c, ctx, { action: 'tenant_user.update', targetKind: 'tenant_user', targetId: r.id, tenantId: params.tenantId, before: toUser(old), after: toUser(r) });
        return r;
      });
      return { status: 200, body: toUser(row) };
    },
  );

  routes.add(
    {
      method: 'post', path: '/v1/login', tag: 'Tenant', summary: 'Workspace user login; the token works on the tenant routes (billing users read only)', auth: { kind: 'none' },
      body: loginBody, responses: { 200: { description: 'Logged in', schema: z.object({ token: z.string(), expiresAt: dateOut(), role: z.enum(TENANT_USER_ROLES) }).meta({ id: 'TenantUserToken' }) } },
    },
    async ({ body, ctx }) => {
      const r = await deps.pool.query<{ id: string; role: TenantUserRole; password_hash: string }>(
        `SELECT u.id, u.role, u.password_hash FROM tenant_users u JOIN tenants t ON t.id = u.tenant_id
          WHERE u.tenant_id = $1 AND u.email = $2 AND u.status = 'active' AND t.status <> 'closed'`,
        [body.workspaceId, body.email],
      );
      const row = r.rows[0];
      const ok = await verifyPassword(row?.password_hash ?? DUMMY_PASSWORD_HASH, body.password).catch(() => false);
      if (!row || !ok) {
        ctx.log.warn({ accountId: body.workspaceId }, 'workspace user login refused');
        throw new ApiError('API_LOGIN_FAILED', 'wrong workspace, email or password');
      }
      const { token, expiresAt } = deps.userTokens.issue({ sub: row.id, tid: body.workspaceId, role: row.role });
      return { status: 200, body: { token, expiresAt: expiresAt.toISOString(), role: row.role } };
    },
  );
}
