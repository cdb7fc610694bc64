import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import { apiKeyPrefix, hashApiKey, type ApiKeyScope } from '../auth/api-key.js';
import type { TokenSigner } from '../auth/signed-token.js';
import { StaffTokens, type StaffRole } from '../auth/staff-token.js';
import { TENANT_USER_SCOPES, type TenantUserRole, type TenantUserTokenPayload } from '../auth/tenant-user-token.js';
import { ApiError } from '../errors/index.js';
import type { Principal } from '../http/context.js';

/** The credential a request carries: `Authorization: Bearer <key or staff token>` or `X-Api-Key: <key>`. */
export function credentialOf(req: Request): string | undefined {
  const auth = req.get('authorization');
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S{1,1000})$/i.exec(auth);
    return m?.[1];
  }
  const key = req.get('x-api-key');
  return key !== undefined && key.length <= 1000 ? key : undefined;
}

type KeyRow = { id: string; tenant_id: string; key_hash: Buffer; scopes: ApiKeyScope[]; expires_at: Date | null; revoked_at: Date | null; status: string; tenant_expires_at: Date | null };

/**
 * Resolves the caller. API keys are looked up on every request (no cache), so a revocation takes
 * effect on the very next request. The lookup runs as the owner role because the tenant is not known yet.
 */
export function createAuthenticator(deps: { pool: Pool; tokens: StaffTokens; userTokens: TokenSigner<TenantUserTokenPayload>; clock: Clock }) {
  return async (req: Request, res: Response): Promise<Principal | undefined> => {
    const cached = res.locals['principal'] as Principal | undefined;
    if (cached) return cached;
    const credential = credentialOf(req);
    if (credential === undefined) return undefined;
    let principal: Principal | undefined;
    if (StaffTokens.looksLikeStaffToken(credential)) {
      const payload = deps.tokens.verify(credential);
      if (!payload) return undefined;
      const r = await deps.pool.query<{ role: StaffRole }>(
        `SELECT role FROM staff_users WHERE id = $1 AND status = 'active'`,
        [payload.sub],
      );
      const row = r.rows[0];
      if (!row) return undefined;
      principal = { kind: 'staff', staffId: payload.sub, role: row.role };
    } else if (deps.userTokens.owns(credential)) {
      const payload = deps.userTokens.verify(credential);
      if (!payload) return undefined;
      // Re-read on every request: a disabled user or a closed workspace is out at once.
      const r = await deps.pool.query<{ role: TenantUserRole; status: string; tenant_status: string; tenant_expires_at: Date | null }>(
        `SELECT u.role, u.status, t.status AS tenant_status, t.expires_at AS tenant_expires_at FROM tenant_users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1 AND u.tenant_id = $2`,
        [payload.sub, payload.tid],
      );
      const row = r.rows[0];
      if (row?.status !== 'active') return undefined;
      if (row.tenant_status === 'closed' || (row.tenant_expires_at !== null && row.tenant_expires_at.getTime() <= deps.clock.now())) {
        throw new ApiError('API_TENANT_INACTIVE', 'this workspace is closed or expired');
      }
      principal = { kind: 'tenant_user', userId: payload.sub, tenantId: payload.tid, scopes: TENANT_USER_SCOPES[row.role] };
    } else {
      const prefix = apiKeyPrefix(credential);
      if (prefix === undefined) return undefined;
      const r = await deps.pool.query<KeyRow>(
        `SELECT k.id, k.tenant_id, k.key_hash, k.scopes, k.expires_at, k.revoked_at, t.status, t.expires_at AS tenant_expires_at
           FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.prefix = $1`,
        [prefix],
      );
      const row = r.rows[0];
      if (!row || !timingSafeEqual(row.key_hash, hashApiKey(credential))) return undefined;
      const now = deps.clock.now();
      if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at.getTime() <= now)) return undefined;
      if (row.status === 'closed' || (row.tenant_expires_at !== null && row.tenant_expires_at.getTime() <= now)) {
        throw new ApiError('API_TENANT_INACTIVE', 'this workspace is closed or expired');
      }
      principal = { kind: 'api_key', keyId: row.id, tenantId: row.tenant_id, scopes: row.scopes };
    }
    res.locals['principal'] = principal;
    res.locals['log'] = (res.locals['log'] as { child(b: object): unknown }).child(
      principal.kind === 'staff'
        ? { staffId: principal.staffId }
        : principal.kind === 'tenant_user'
          ? { accountId: principal.tenantId, userId: principal.userId }
          : { accountId: principal.tenantId, keyId: principal.keyId },
    );
    return principal;
  };
}
