import { z } from 'zod';
import type { Response } from 'express';
import type { EncryptedRecordingStore } from '#media/index.js';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { dateOut, idParam } from '../http/common-schemas.js';
import type { RequestContext } from '../http/context.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ACCOUNTS_STAFF, TENANT_READ, TENANT_WRITE, tenantOf } from './access.js';

const recordingSchema = z
  .object({ id: z.uuid(), callId: z.string(), kind: z.enum(['client', 'diagnostic']), startedAt: dateOut(), durationMs: z.number().int(), bytes: z.number().int(), expiresAt: dateOut() })
  .meta({ id: 'Recording' });
type Row = { id: string; tenant_id: string; call_id: string; kind: 'client' | 'diagnostic'; started_at: Date; duration_ms: number; bytes: number; expires_at: Date; storage_key: string };
const toRecording = (r: Row) => ({ id: r.id, callId: r.call_id, kind: r.kind, startedAt: r.started_at.toISOString(), durationMs: r.duration_ms, bytes: r.bytes, expiresAt: r.expires_at.toISOString() });
const audioResponse = { description: 'The recording, WAV (stereo: one party per channel); honours Range (206)', schema: z.string().meta({ format: 'binary' }), contentType: 'audio/wav' };
const rangeHeader = z.object({ range: z.string().max(100).optional() });
const staffParams = z.strictObject({ tenantId: z.uuid(), id: z.uuid() });
const settingsSchema = z
  .object({
    enabled: z.boolean().meta({ description: 'Record every call of the workspace (numbers can opt in alone; a live call can be recorded on demand)' }),
    retentionDays: z.number().int().min(1).max(30).meta({ description: 'Days a recording is kept after its call (30 at most)' }),
  })
  .meta({ id: 'RecordingSettings' });
const settingsUpdate = z.strictObject({ enabled: z.boolean().optional(), retentionDays: z.number().int().min(1).max(30).optional() }).meta({ id: 'RecordingSettingsUpdate' });

/** RFC 9110 §14.2: one `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined for none or a form we do not serve. */
export function parseRange(header: string | undefined, length: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, length - suffix), end: length };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? length : Math.min(length, Number(m[2]) + 1);
  return start >= length || end <= start ? 'unsatisfiable' : { start, end };
}

/** Streams the decrypted audio of `row`, a byte range of it when asked (a browser seeking). */
async function sendAudio(store: EncryptedRecordingStore, row: Row, range: string | undefined, res: Response): Promise<undefined> {
  const length = await store.length(row.storage_key);
  if (length === undefined) throw notFound('recording');
  const wanted = parseRange(range, length);
  const headers = { 'content-type': 'audio/wav', 'accept-ranges': 'bytes', 'cache-control': 'private, no-store', 'content-disposition': `inline; filename="recording-${row.id}.wav"` };
  if (wanted === 'unsatisfiable') {
    res.status(416).set({ ...headers, 'content-range': `bytes */${length}` }).end();
    return undefined;
  }
  const { start, end } = wanted ?? { start: 0, end: length };
  const body = await store.read(row.storage_key, start, end);
  res
    .status(wanted ? 206 : 200)
    .set({ ...headers, ...(wanted ? { 'content-range': `bytes ${start}-${end - 1}/${length}` } : {}) })
    .end(body);
  return undefined;
}

/** Call recordings: the workspace lists, plays and deletes its own; staff access is audited. */
export function mountRecordingRoutes(routes: RouteTable, deps: ApiDeps): void {
  const store = (): EncryptedRecordingStore => {
    if (!deps.recordings) throw notFound('recording');
    return deps.recordings;
  };
  const find = (tenantId: string, id: string) =>
    inScope(deps.pool, { tenantId }, async (c) => {
      const r = await c.query<Row>('SELECT * FROM recordings WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
      if (!r.rows[0]) throw notFound('recording');
      return r.rows[0];
    });

  routes.add(
    { method: 'get', path: '/v1/recording-settings', tag: 'Recordings', summary: 'Whether the workspace records its calls, and for how long it keeps them', auth: TENANT_READ, responses: { 200: { description: 'The settings', schema: settingsSchema } } },
    async ({ principal }) => {
      const tenantId = tenantOf(principal);
      const r = await inScope(deps.pool, { tenantId }, (c) => c.query<{ recording_enabled: boolean; recording_retention_days: number }>('SELECT recording_enabled, recording_retention_days FROM tenants WHERE id = $1', [tenantId]));
      const row = r.rows[0];
      if (!row) throw notFound('tenant');
      return { status: 200, body: { enabled: row.recording_enabled, retentionDays: row.recording_retention_days } };
    },
  );
  routes.add(
    {
      method: 'patch', path: '/v1/recording-settings', tag: 'Recordings', summary: 'Turn recording of every call on or off (off by default) and choose a retention of 30 days or less; audited',
      auth: TENANT_WRITE, body: settingsUpdate, responses: { 200: { description: 'The settings now', schema: settingsSchema } },
    },
    async ({ body, principal, ctx }) => {
      const tenantId = tenantOf(principal);
      const after = await inScope(deps.pool, { tenantId }, async (c) => {
        const before = (await c.query<{ recording_enabled: boolean; recording_retention_days: number }>('SELECT recording_enabled, recording_retention_days FROM tenants WHERE id = $1 FOR UPDATE', [tenantId])).rows[0];
        if (!before) throw notFound('tenant');
        const r = await c.query<{ recording_enabled: boolean; recording_retention_days: number }>(
          'UPDATE tenants SET recording_enabled = coalesce($2, recording_enabled), recording_retention_days = coalesce($3, recording_retention_days) WHERE id = $1 RETURNING recording_enabled, recording_retention_days',
          [tenantId, body.enabled ?? null, body.retentionDays ?? null],
        );
        const now = { enabled: r.rows[0]?.recording_enabled ?? false, retentionDays: r.rows[0]?.recording_retention_days ?? 30 };
        await writeAudit(c, ctx, { action: 'recording_settings.update', targetKind: 'tenant', targetId: tenantId, tenantId, before: { enabled: before.recording_enabled, retentionDays: before.recording_retention_days }, after: now });
        return now;
      });
      // The switch reads the workspace's setting through a cache that this event clears.
      await deps.events.publish([{ entity: 'tenant', op: 'updated', id: tenantId, tenantId, fields: ['recording_enabled', 'recording_retention_days'] }]);
      return { status: 200, body: after };
    },
  );
  routes.add(
    { method: 'get', path: '/v1/recordings', tag: 'Recordings', summary: 'List the workspace\'s call recordings, newest first', auth: TENANT_READ, query: z.object(pageQuery), responses: { 200: { description: 'A page of recordings', schema: pageOf(recordingSchema) } } },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<Row>(
            `SELECT * FROM recordings WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (started_at, id) < ($2::timestamptz, $3::uuid))
             ORDER BY started_at DESC, id DESC LIMIT $4`,
            [tenantId, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.started_at.toISOString(), r.id], toRecording) };
    },
  );
  routes.add(
    { method: 'get', path: '/v1/recordings/:id/audio', tag: 'Recordings', summary: 'Play or download a recording (WAV, Range supported)', auth: TENANT_READ, params: idParam, headers: rangeHeader, responses: { 200: audioResponse, 206: audioResponse } },
    async ({ params, headers, principal, res }) => sendAudio(store(), await find(tenantOf(principal), params.id), headers.range, res),
  );
  routes.add(
    { method: 'delete', path: '/v1/recordings/:id', tag: 'Recordings', summary: 'Delete a recording now', auth: TENANT_WRITE, params: idParam, responses: { 204: { description: 'Deleted' } } },
    async ({ params, ctx, principal }) => {
      const tenantId = tenantOf(principal);
      const row = await find(tenantId, params.id);
      await store().delete(row.storage_key);
      await inScope(deps.pool, { tenantId }, async (c) => {
        await c.query('DELETE FROM recordings WHERE id = $1 AND tenant_id = $2', [row.id, tenantId]);
        await writeAudit(c, ctx, { action: 'recording.delete', targetKind: 'recording', targetId: row.id, tenantId, before: toRecording(row) });
      });
      return { status: 204 };
    },
  );
  routes.add(
    { method: 'get', path: '/v1/staff/tenants/:tenantId/recordings/:id/audio', tag: 'Staff: recordings', summary: 'Play a workspace\'s recording (audited)', auth: ACCOUNTS_STAFF, params: staffParams, headers: rangeHeader, responses: { 200: audioResponse, 206: audioResponse } },
    async ({ params, headers, ctx, res }) => {
      const row = await find(params.tenantId, params.id);
      await auditStaffAccess(deps, ctx, row, headers.range);
      return sendAudio(store(), row, headers.range, res);
    },
  );
}

async function auditStaffAccess(deps: ApiDeps, ctx: RequestContext, row: Row, range: string | undefined): Promise<void> {
  await inScope(deps.pool, 'staff', (c) =>
    writeAudit(c, ctx, { action: 'recording.access', targetKind: 'recording', targetId: row.id, tenantId: row.tenant_id, after: { range: range ?? null } }),
  );
}
