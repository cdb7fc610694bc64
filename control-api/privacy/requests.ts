import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { one } from '../db/rows.js';
import type { Principal } from '../http/context.js';
import { dateOut, iso } from '../http/common-schemas.js';

export const PRIVACY_REQUEST_KINDS = ['export', 'erasure', 'correction'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];
export const PRIVACY_REQUEST_STATUSES = ['pending', 'completed', 'failed', 'refused'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

export const privacyRequestSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    kind: z.enum(PRIVACY_REQUEST_KINDS),
    status: z.enum(PRIVACY_REQUEST_STATUSES),
    requesterKind: z.string(),
    requesterId: z.string(),
    createdAt: dateOut(),
    completedAt: dateOut().nullable(),
    details: z.record(z.string(), z.unknown()).meta({ description: 'Outcome: counts per data set, what was kept and until when, fields corrected. Never content.' }),
  })
  .meta({ id: 'PrivacyRequest' });
export type PrivacyRequest = z.infer<typeof privacyRequestSchema>;

export type PrivacyRequestRow = {
  id: string; tenant_id: string; kind: PrivacyRequestKind; status: PrivacyRequestStatus; requester_kind: string; requester_id: string;
  created_at: Date; completed_at: Date | null; details: Record<string, unknown>;
};

export const PRIVACY_REQUEST_COLUMNS = 'id, tenant_id, kind, status, requester_kind, requester_id, created_at, completed_at, details';

export function toPrivacyRequest(r: PrivacyRequestRow): PrivacyRequest {
  return {
    id: r.id, tenantId: r.tenant_id, kind: r.kind, status: r.status, requesterKind: r.requester_kind, requesterId: r.requester_id,
    createdAt: r.created_at.toISOString(), completedAt: iso(r.completed_at), details: r.details,
  };
}

/** Who asked, as stored in privacy_requests (and audit_log). */
export function requesterOf(principal: Principal | undefined): { kind: string; id: string } {
  if (principal === undefined) return { kind: 'system', id: 'anonymous' };
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', id: principal.staffId };
    case 'tenant_user':
      return { kind: 'tenant_user', id: principal.userId };
    case 'api_key':
      return { kind: 'api_key', id: principal.keyId };
  }
}

/** Records a request. A request that finishes in the same transaction passes its final status and details. */
export async function insertPrivacyRequest(
  c: PoolClient,
  r: { tenantId: string; kind: PrivacyRequestKind; principal: Principal | undefined; status: PrivacyRequestStatus; at: Date; details?: Record<string, unknown> },
): Promise<PrivacyRequestRow> {
  const who = requesterOf(r.principal);
  return one(
    await c.query<PrivacyRequestRow>(
      `INSERT INTO privacy_requests (tenant_id, kind, requester_kind, requester_id, status, created_at, completed_at, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PRIVACY_REQUEST_COLUMNS}`,
      [r.tenantId, r.kind, who.kind, who.id, r.status, r.at, r.status === 'pending' ? null : r.at, JSON.stringify(r.details ?? {})],
    ),
  );
}

/** Sets the outcome of a pending request. */
export async function completePrivacyRequest(c: PoolClient, id: string, status: Exclude<PrivacyRequestStatus, 'pending'>, at: Date, details: Record<string, unknown>): Promise<PrivacyRequestRow> {
  return one(
    await c.query<PrivacyRequestRow>(
      `UPDATE privacy_requests SET status = $2, completed_at = $3, details = $4 WHERE id = $1 AND status = 'pending' RETURNING ${PRIVACY_REQUEST_COLUMNS}`,
      [id, status, at, JSON.stringify(details)],
    ),
  );
}
