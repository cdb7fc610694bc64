import type { PoolClient } from '#lib/db/index.js';
import type { RequestContext } from './context.js';

export type AuditEntry = {
  action: string;
  targetKind: string;
  targetId: string | null;
  tenantId: string | null;
  before?: unknown;
  after?: unknown;
};

/** Writes one audit row in the caller's transaction, so the change and its record commit together. */
export async function writeAudit(client: PoolClient, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  const p = ctx.principal;
  const actorKind = p === undefined ? 'system' : p.kind;
  const actorId = p === undefined ? 'anonymous' : p.kind === 'staff' ? p.staffId : p.keyId;
  await client.query(
    `INSERT INTO audit_log (actor_kind, actor_id, tenant_id, action, target_kind, target_id, ip, request_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      actorKind,
      actorId,
      entry.tenantId,
      entry.action,
      entry.targetKind,
      entry.targetId,
      ctx.ip,
      ctx.requestId,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  );
}
