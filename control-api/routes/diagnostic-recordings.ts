import { z } from 'zod';
import type { PoolClient } from '#lib/db/index.js';
import { one } from '../db/rows.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route.js';
import { ACCOUNTS_STAFF } from './access.js';

// Diagnostic recordings (issue 9): staff, logged in with password and TOTP, open a troubleshooting
// window on a workspace or one of its numbers. Calls set up in the window are recorded whatever the
// workspace's setting, marked `diagnostic` in the recording and the CDR, and deleted when the window
// closes (the `recordings` retention job). Every open and close is audited.

const DAY_MS = 86_400_000;
const flagSchema = z
  .object({
    id: z.uuid(), tenantId: z.uuid(), numberId: z.uuid().nullable(), startsAt: dateOut(), endsAt: dateOut(), reason: z.string(), createdBy: z.uuid(),
    active: z.boolean().meta({ description: 'The window holds the current time' }),
  })
  .meta({ id: 'DiagnosticRecordingFlag' });
type Row = { id: string; tenant_id: string; number_id: string | null; starts_at: Date; ends_at: Date; reason: string; created_by: string };
const tenantParams = z.strictObject({ tenantId: z.uuid() });
const flagParams = z.strictObject({ tenantId: z.uuid(), id: z.uuid() });
const openBody = z.strictObject({
  numberId: z.uuid().optional().meta({ description: 'Only calls to or from this number of the workspace; the whole workspace when absent' }),
  durationDays: z.number().int().min(1).max(30).optional().meta({ description: 'Window length; API_DIAGNOSTIC_RECORDING_DAYS (7) when absent' }),
  reason: z.string().trim().min(1).max(500).meta({ description: 'Why (ticket reference): kept in the audit log' }),
});

export function mountDiagnosticRecordingRoutes(routes: RouteTable, deps: ApiDeps): void {
  const toFlag = (r: Row) => ({
    id: r.id, tenantId: r.tenant_id, numberId: r.number_id, startsAt: r.starts_at.toISOString(), endsAt: r.ends_at.toISOString(), reason: r.reason, createdBy: r.created_by,
    active: r.starts_at.getTime() <= deps.clock.now() && deps.clock.now() < r.ends_at.getTime(),
  });
  const tenantExists = async (c: PoolClient, tenantId: string) => {
    if ((await c.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).rowCount === 0) throw notFound('tenant');
  };
  // The switch reads flags through a cache that a tenant change event clears (switch/recording/diagnostic-flags.ts).
  const tellSwitch = (tenantId: string) => deps.events.publish([{ entity: 'tenant', op: 'updated', id: tenantId, tenantId, fields: ['diagnostic_recording'] }]);

  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants/:tenantId/diagnostic-recordings', tag: 'Staff: recordings', summary: 'Open a diagnostic-recording window on a workspace or one of its numbers (audited)',
      auth: ACCOUNTS_STAFF, params: tenantParams, body: openBody, responses: { 201: { description: 'Calls in the window are recorded', schema: flagSchema } },
    },
    async ({ params, body, principal, ctx }) => {
      if (principal?.kind !== 'staff') throw new ApiError('API_FORBIDDEN', 'staff only');
      const now = deps.clock.now();
      const endsAt = now + (body.durationDays ?? deps.config.API_DIAGNOSTIC_RECORDING_DAYS) * DAY_MS;
      const row = await inScope(deps.pool, 'staff', async (c) => {
        await tenantExists(c, params.tenantId);
        if (body.numberId !== undefined) {
          const owned = await c.query(`SELECT 1 FROM number_subscriptions WHERE number_id = $1 AND tenant_id = $2 AND status = 'active'`, [body.numberId, params.tenantId]);
          if (owned.rowCount === 0) throw new ApiError('API_VALIDATION_FAILED', 'the number is not an active number of this workspace', { errors: [{ path: 'body.numberId', message: 'not an active number of this workspace' }] });
        }
        const r = await c.query<Row>(
          `INSERT INTO diagnostic_recording_flags (tenant_id, number_id, starts_at, ends_at, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
          [params.tenantId, body.numberId ?? null, new Date(now), new Date(endsAt), body.reason, principal.staffId],
        );
        const flag = toFlag(one(r));
        await writeAudit(c, ctx, { action: 'diagnostic_recording.open', targetKind: 'diagnostic_recording_flag', targetId: flag.id, tenantId: params.tenantId, after: flag });
        return flag;
      });
      await tellSwitch(params.tenantId);
      return { status: 201, body: row };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/staff/tenants/:tenantId/diagnostic-recordings', tag: 'Staff: recordings', summary: 'The workspace\'s diagnostic-recording windows, newest first',
      auth: ACCOUNTS_STAFF, params: tenantParams, responses: { 200: { description: 'Windows', schema: z.object({ items: z.array(flagSchema) }) } },
    },
    async ({ params }) => {
      const rows = await inScope(deps.pool, 'staff', async (c) => {
        await tenantExists(c, params.tenantId);
        return (await c.query<Row>('SELECT * FROM diagnostic_recording_flags WHERE tenant_id = $1 ORDER BY starts_at DESC, id DESC LIMIT 500', [params.tenantId])).rows;
      });
      return { status: 200, body: { items: rows.map(toFlag) } };
    },
  );

  routes.add(
    {
      method: 'delete', path: '/v1/staff/tenants/:tenantId/diagnostic-recordings/:id', tag: 'Staff: recordings',
      summary: 'Close a diagnostic-recording window now: its recordings expire now and the next retention run deletes them (audited)',
      auth: ACCOUNTS_STAFF, params: flagParams, responses: { 200: { description: 'The closed window', schema: flagSchema } },
    },
    async ({ params, ctx }) => {
      const now = new Date(deps.clock.now());
      const flag = await inScope(deps.pool, 'staff', async (c) => {
        const before = (await c.query<Row>('SELECT * FROM diagnostic_recording_flags WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [params.id, params.tenantId])).rows[0];
        if (!before) throw notFound('diagnostic-recording window');
        // A window that has not started yet closes by starting and ending now (ends_at > starts_at).
        const r = await c.query<Row>(
          `UPDATE diagnostic_recording_flags SET starts_at = least(starts_at, $2::timestamptz - interval '1 millisecond'), ends_at = least(ends_at, $2::timestamptz)
            WHERE id = $1 RETURNING *`,
          [params.id, now],
        );
        const after = toFlag(one(r));
        const moved = await c.query('UPDATE recordings SET expires_at = $2 WHERE diagnostic_flag_id = $1 AND expires_at > $2', [params.id, new Date(after.endsAt)]);
        await writeAudit(c, ctx, { action: 'diagnostic_recording.close', targetKind: 'diagnostic_recording_flag', targetId: params.id, tenantId: params.tenantId, before: toFlag(before), after: { ...after, recordingsExpiring: moved.rowCount ?? 0 } });
        return after;
      });
      await tellSwitch(params.tenantId);
      return { status: 200, body: flag };
    },
  );
}
