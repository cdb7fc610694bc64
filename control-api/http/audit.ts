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

/** Who acted, for writes that do not come through an HTTP request (the operator CLI). */
export type AuditActor = { kind: 'cli' | 'system'; id: string };

/** Writes one audit row for a non-HTTP actor, in the caller's transaction. */
export async function writeActorAudit(client: PoolClient, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (actor_kind, actor_id, tenant_id, action, target_kind, target_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [actor.kind, actor.id, entry.tenantId, entry.action, entry.targetKind, entry.targetId, entry.before === undefined ? null : JSON.stringify(entry.before), entry.after === undefined ? null : JSON.stringify(entry.after)],
  );
}

/** Writes one audit row in the caller's transaction, so the change and its record commit together. */
export async function writeAudit(client: PoolClient, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  const p = ctx.principal;
  const actorKind = p === undefined ? 'system' : p.kind;
  const actorId = p === undefined ? 'anonymous' : p.kind === 'staff' ? p.staffId : p.kind === 'tenant_user' ? p.userId : p.keyId;
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
