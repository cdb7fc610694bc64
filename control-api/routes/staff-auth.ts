import { z } from 'zod';
import { open } from '#lib/secret-box/index.js';
import { DUMMY_PASSWORD_HASH, verifyPassword, verifyTotp } from '../auth/credentials.js';
import { createStaffUser } from '../auth/staff-users.js';
import { STAFF_ROLES, type StaffRole } from '../auth/staff-token.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, name } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route.js';

const loginBody = z
  .strictObject({
    email: z.string().max(254),
    password: z.string().min(1).max(256),
    totp: z.string().regex(/^[0-9]{6}$/, { error: 'expected the 6-digit code from the authenticator app' }),
  })
  .meta({ id: 'StaffLogin' });

const loginResult = z.object({ token: z.string(), expiresAt: dateOut(), role: z.enum(STAFF_ROLES) }).meta({ id: 'StaffToken' });

const staffCreate = z
  .strictObject({ email: z.email().max(254), displayName: name(), role: z.enum(STAFF_ROLES), password: z.string().min(12).max(256) })
  .meta({ id: 'StaffUserCreate' });


export function mountStaffAuthRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'post', path: '/v1/staff/login', tag: 'Staff: auth', summary: 'Log in with password and TOTP code; returns a short-lived token', auth: { kind: 'none' },
      body: loginBody, responses: { 200: { description: 'Logged in', schema: loginResult }, 401: { description: 'Wrong email, password or TOTP code' } },
    },
    async ({ body, ctx }) => {
      const r = await deps.pool.query<{ id: string; role: StaffRole; password_hash: string; totp_secret_enc: Buffer }>(
        `SELECT id, role, password_hash, totp_secret_enc FROM staff_users WHERE email = $1 AND status = 'active'`,
        [body.email],
      );
      const row = r.rows[0];
      const passwordOk = await verifyPassword(row?.password_hash ?? DUMMY_PASSWORD_HASH, body.password).catch(() => false);
      // TOTP is mandatory for staff: a correct password alone never yields a token.
      if (!row || !passwordOk || !verifyTotp(open(deps.secretKey, row.totp_secret_enc), body.totp, deps.clock)) {
        ctx.log.warn({ email: body.email }, 'staff login refused');
        throw new ApiError('API_LOGIN_FAILED', 'wrong email, password or TOTP code');
      }
      const { token, expiresAt } = deps.tokens.issue(row.id, row.role);
      await inScope(deps.pool, 'staff', async (c) => {
        await c.query('UPDATE staff_users SET last_login_at = $2 WHERE id = $1', [row.id, new Date(deps.clock.now())]);
        await writeAudit(c, { ...ctx, principal: { kind: 'staff', staffId: row.id, role: row.role } }, { action: 'staff.login', targetKind: 'staff_user', targetId: row.id, tenantId: null });
      });
      return { status: 200, body: { token, expiresAt: expiresAt.toISOString(), role: row.role } };
    },
  );

  routes.add(
    {
      method: 'post', path: '/v1/staff/users', tag: 'Staff: auth', summary: 'Create a staff user (admin only); returns the TOTP enrolment URI once', auth: { kind: 'staff', roles: ['admin'] },
      body: staffCreate, responses: { 201: { description: 'Created', schema: z.object({ id: z.uuid(), otpauthUri: z.string() }) } },
    },
    async ({ body, ctx }) => {
      const created = await inScope(deps.pool, 'staff', async (c) => {
        const s = await createStaffUser(c, body, deps);
        await writeAudit(c, ctx, { action: 'staff_user.create', targetKind: 'staff_user', targetId: s.id, tenantId: null, after: { email: body.email, role: body.role } });
        return s;
      });
      return { status: 201, body: created };
    },
  );
}
