import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { ApiError, notFound } from '../errors/index.js';
import { country, name } from '../http/common-schemas.js';

/** The whitelisted account fields a data subject may have corrected. */
export const correctionBody = z
  .strictObject({
    tenant: z.strictObject({ name: name(), country: country() }).partial().optional(),
    users: z
      .array(z.strictObject({ id: z.uuid(), displayName: name().optional(), email: z.email().max(254).optional() }))
      .max(100)
      .optional(),
  })
  .meta({ id: 'PrivacyCorrection' });
export type CorrectionBody = z.infer<typeof correctionBody>;

export type CorrectionOutcome = {
  /** Changed field paths, e.g. `tenant.name`, `users.<id>.email` (values are in the audit log only). */
  fields: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
};

type UserRow = { id: string; email: string; display_name: string };

/** Applies a correction in the caller's tenant-scoped transaction. Fields already equal are not counted. */
export async function applyCorrection(c: PoolClient, tenantId: string, body: CorrectionBody): Promise<CorrectionOutcome> {
  const fields: string[] = [];
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const tenantChange = body.tenant ?? {};
  if (Object.keys(tenantChange).length === 0 && (body.users ?? []).length === 0) {
    throw new ApiError('API_VALIDATION_FAILED', 'nothing to correct', { errors: [{ path: 'body', message: 'give tenant fields or users to correct' }] });
  }
  const t = (await c.query<{ name: string; country: string }>(`SELECT name, country FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId])).rows[0];
  if (!t) throw notFound('tenant');
  for (const [key, value] of Object.entries(tenantChange)) {
    if (value === undefined || t[key as 'name' | 'country'] === value) continue;
    fields.push(`tenant.${key}`);
    before[`tenant.${key}`] = t[key as 'name' | 'country'];
    after[`tenant.${key}`] = value;
  }
  if (fields.length > 0) {
    await c.query(`UPDATE tenants SET name = coalesce($2, name), country = coalesce($3, country) WHERE id = $1`, [tenantId, tenantChange.name ?? null, tenantChange.country ?? null]);
  }
  for (const [i, u] of (body.users ?? []).entries()) {
    const old = (await c.query<UserRow>(`SELECT id, email, display_name FROM tenant_users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, [u.id, tenantId])).rows[0];
    if (!old) throw new ApiError('API_NOT_FOUND', 'workspace user not found', { errors: [{ path: `body.users.${i}.id`, message: 'no such user in this workspace' }] });
    const changes: [string, string, string][] = [];
    if (u.displayName !== undefined && u.displayName !== old.display_name) changes.push(['displayName', old.display_name, u.displayName]);
    if (u.email !== undefined && u.email.toLowerCase() !== old.email.toLowerCase()) changes.push(['email', old.email, u.email]);
    if (changes.length === 0) continue;
    await c.query(`UPDATE tenant_users SET display_name = coalesce($2, display_name), email = coalesce($3, email) WHERE id = $1`, [u.id, u.displayName ?? null, u.email ?? null]);
    for (const [field, was, now] of changes) {
      fields.push(`users.${u.id}.${field}`);
      before[`users.${u.id}.${field}`] = was;
      after[`users.${u.id}.${field}`] = now;
    }
  }
  return { fields, before, after };
}
