import type { Response } from 'express';
import type { Logger } from '#lib/log/index.js';
import type { ApiKeyScope } from '../auth/api-key.js';
import type { StaffRole } from '../auth/staff-token.js';

/** Who is calling: a tenant's API key, a tenant's portal user, or an operator staff member. */
export type Principal =
  | { kind: 'api_key'; keyId: string; tenantId: string; scopes: readonly ApiKeyScope[] }
  | { kind: 'tenant_user'; userId: string; tenantId: string; scopes: readonly ApiKeyScope[] }
  | { kind: 'staff'; staffId: string; role: StaffRole };

/** Per-request state kept in `res.locals`, set by the request-id and auth middlewares. */
export type RequestContext = {
  requestId: string;
  log: Logger;
  ip: string | null;
  principal: Principal | undefined;
};

export function contextOf(res: Response): RequestContext {
  return {
    requestId: res.locals['requestId'] as string,
    log: res.locals['log'] as Logger,
    ip: (res.locals['ip'] as string | null | undefined) ?? null,
    principal: res.locals['principal'] as Principal | undefined,
  };
}
