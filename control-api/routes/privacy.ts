import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import type { Change } from '../http/change-publisher.js';
import { dateOut, idParam, tenantIdParam } from '../http/common-schemas.js';
import type { Principal, RequestContext } from '../http/context.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { applyCorrection, correctionBody, type CorrectionBody } from '../privacy/correct.js';
import { eraseTenant } from '../privacy/erase.js';
import { collectExport } from '../privacy/export-data.js';
import {
  completePrivacyRequest, insertPrivacyRequest, PRIVACY_REQUEST_COLUMNS, PRIVACY_REQUEST_KINDS, privacyRequestSchema, toPrivacyRequest,
  type PrivacyRequestRow,
} from '../privacy/requests.js';
import { buildZip } from '../privacy/zip.js';
import { ACCOUNTS_STAFF, ANY_STAFF, TENANT_READ, TENANT_WRITE, tenantOf } from './access.js';

const erasureBody = z
  .strictObject({ confirmTenantId: z.uuid().meta({ description: 'The workspace id again, to confirm an irreversible erasure' }) })
  .meta({ id: 'PrivacyErasureRequest' });

const erasureSchema = z
  .object({
    requestId: z.uuid(),
    tenantId: z.uuid(),
    status: z.literal('completed'),
    closedAt: dateOut(),
    erasedAt: dateOut(),
    legalHoldUntil: dateOut().meta({ description: 'closed_at + 12 months: billing data kept until then, then deleted by retention' }),
    removed: z.record(z.string(), z.number().int()),
    kept: z.array(z.object({ data: z.string(), reason: z.string(), until: dateOut().nullable() })),
  })
  .meta({ id: 'PrivacyErasure' });

const correctionSchema = z.object({ requestId: z.uuid(), tenantId: z.uuid(), fields: z.array(z.string()) }).meta({ id: 'PrivacyCorrectionResult' });

const zipResponse = { description: 'The archive (application/zip): manifest.json plus one JSON and one CSV file per data set; header X-Privacy-Request-Id', schema: z.string().meta({ format: 'binary' }), contentType: 'application/zip' };

async function assertTenant(deps: ApiDeps, tenantId: string): Promise<void> {
  const found = await inScope(deps.pool, { tenantId }, async (c) => (await c.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).rowCount);
  if (found === 0) throw notFound('tenant');
}

/** Export: logs the request (pending), reads the data, zips it, records the outcome, then sends the archive. */
async function runExport(deps: ApiDeps, ctx: RequestContext, principal: Principal | undefined, tenantId: string, res: Response): Promise<undefined> {
  await assertTenant(deps, tenantId);
  const at = new Date(deps.clock.now());
  const request = await inScope(deps.pool, { tenantId }, (c) => insertPrivacyRequest(c, { tenantId, kind: 'export', principal, status: 'pending', at }));
  let zip: Buffer;
  let counts: Record<string, number>;
  try {
    const contents = await inScope(deps.pool, { tenantId }, (c) => collectExport(c, tenantId, { requestId: request.id, generatedAt: at }));
    counts = contents.counts;
    zip = await buildZip(contents.files, at);
  } catch (err) {
    await inScope(deps.pool, { tenantId }, async (c) => {
      await completePrivacyRequest(c, request.id, 'failed', new Date(deps.clock.now()), { error: 'export could not be built' });
      await writeAudit(c, ctx, { action: 'privacy.export', targetKind: 'privacy_request', targetId: request.id, tenantId, after: { status: 'failed' } });
    });
    throw new Error('privacy export failed', { cause: err });
  }
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const details = { counts, bytes: zip.length, sha256 };
  await inScope(deps.pool, { tenantId }, async (c) => {
    await completePrivacyRequest(c, request.id, 'completed', new Date(deps.clock.now()), details);
    await writeAudit(c, ctx, { action: 'privacy.export', targetKind: 'privacy_request', targetId: request.id, tenantId, after: { status: 'completed', ...details } });
  });
  ctx.log.info({ accountId: tenantId, privacyRequestId: request.id, bytes: zip.length }, 'privacy export sent');
  res
    .status(200)
    .set({
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="privacy-export-${tenantId}-${at.toISOString().slice(0, 10)}.zip"`,
      'x-privacy-request-id': request.id,
    })
    .end(zip);
  return undefined;
}

async function runErasure(deps: ApiDeps, ctx: RequestContext, principal: Principal | undefined, tenantId: string, confirm: string): Promise<z.infer<typeof erasureSchema>> {
  if (confirm !== tenantId) {
    throw new ApiError('API_VALIDATION_FAILED', 'confirmTenantId does not match the workspace', { errors: [{ path: 'body.confirmTenantId', message: 'must equal the workspace id' }] });
  }
  const at = new Date(deps.clock.now());
  const result = await inScope(deps.pool, { tenantId }, async (c) => {
    const outcome = await eraseTenant(c, tenantId, at, deps.config.NUMBER_QUARANTINE_DAYS);
    if (outcome.kind === 'not_found') throw notFound('tenant');
    if (outcome.kind === 'already_erased') {
      const details = { reason: 'already erased', erasedAt: outcome.erasedAt.toISOString(), legalHoldUntil: outcome.legalHoldUntil?.toISOString() ?? null };
      const req = await insertPrivacyRequest(c, { tenantId, kind: 'erasure', principal, status: 'refused', at, details });
      await writeAudit(c, ctx, { action: 'privacy.erasure', targetKind: 'privacy_request', targetId: req.id, tenantId, after: { status: 'refused', ...details } });
      return { outcome, requestId: req.id };
    }
    const details = { removed: outcome.removed, kept: outcome.kept, closedAt: outcome.closedAt.toISOString(), legalHoldUntil: outcome.legalHoldUntil.toISOString() };
    const req = await insertPrivacyRequest(c, { tenantId, kind: 'erasure', principal, status: 'completed', at, details });
    await writeAudit(c, ctx, { action: 'privacy.erasure', targetKind: 'privacy_request', targetId: req.id, tenantId, after: { status: 'completed', ...details } });
    return { outcome, requestId: req.id };
  });
  const { outcome, requestId } = result;
  if (outcome.kind === 'already_erased') {
    throw new ApiError('API_TENANT_ERASED', `this workspace was erased at ${outcome.erasedAt.toISOString()}; its billing data is held until ${outcome.legalHoldUntil?.toISOString() ?? 'the retention run'} (request ${requestId})`);
  }
  const changes: Change[] = [
    { entity: 'tenant', op: 'updated', id: tenantId, tenantId, fields: ['status'] },
    ...outcome.deletedSipUserIds.map((id): Change => ({ entity: 'sip_user', op: 'deleted', id, tenantId })),
    ...outcome.deletedApiKeyIds.map((id): Change => ({ entity: 'api_key', op: 'deleted', id, tenantId })),
    ...outcome.endedSubscriptionIds.map((id): Change => ({ entity: 'number_subscription', op: 'updated', id, tenantId, fields: ['status', 'routing'] })),
  ];
  await deps.events.publish(changes);
  return {
    requestId, tenantId, status: 'completed', closedAt: outcome.closedAt.toISOString(), erasedAt: outcome.erasedAt.toISOString(),
    legalHoldUntil: outcome.legalHoldUntil.toISOString(), removed: outcome.removed, kept: outcome.kept,
  };
}

async function runCorrection(deps: ApiDeps, ctx: RequestContext, principal: Principal | undefined, tenantId: string, body: CorrectionBody): Promise<z.infer<typeof correctionSchema>> {
  const at = new Date(deps.clock.now());
  const { requestId, fields } = await inScope(deps.pool, { tenantId }, async (c) => {
    const outcome = await applyCorrection(c, tenantId, body);
    const req = await insertPrivacyRequest(c, { tenantId, kind: 'correction', principal, status: 'completed', at, details: { fields: outcome.fields } });
    await writeAudit(c, ctx, { action: 'privacy.correction', targetKind: 'privacy_request', targetId: req.id, tenantId, before: outcome.before, after: outcome.after });
    return { requestId: req.id, fields: outcome.fields };
  });
  const tenantFields = fields.filter((f) => f.startsWith('tenant.')).map((f) => f.slice('tenant.'.length));
  if (tenantFields.length > 0) await deps.events.publish([{ entity: 'tenant', op: 'updated', id: tenantId, tenantId, fields: tenantFields }]);
  return { requestId, tenantId, fields };
}

const listQuery = z.strictObject({ ...pageQuery, kind: z.enum(PRIVACY_REQUEST_KINDS).optional() });

async function listRequests(deps: ApiDeps, tenantId: string | null, query: z.infer<typeof listQuery>) {
  const after = decodeCursor(query.cursor, 2);
  const rows = await inScope(deps.pool, tenantId === null ? 'staff' : { tenantId }, async (c) =>
    (
      await c.query<PrivacyRequestRow>(
        `SELECT ${PRIVACY_REQUEST_COLUMNS} FROM privacy_requests
          WHERE ($1::uuid IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR kind = $2)
            AND ($3::timestamptz IS NULL OR (date_trunc('milliseconds', created_at), id) < ($3::timestamptz, $4::uuid))
          ORDER BY date_trunc('milliseconds', created_at) DESC, id DESC LIMIT $5`,
        [tenantId, query.kind ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      )
    ).rows,
  );
  return paginate(rows, query.limit, (r) => [r.created_at.toISOString(), r.id], toPrivacyRequest);
}

/** Data-subject rights: export, erasure, correction, and the log of those requests (docs/privacy.md). */
export function mountPrivacyRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    { method: 'post', path: '/v1/privacy/exports', tag: 'Privacy', summary: 'Export the workspace\'s personal data as a zip of JSON and CSV files', auth: TENANT_READ, responses: { 200: zipResponse } },
    ({ ctx, principal, res }) => runExport(deps, ctx, principal, tenantOf(principal), res),
  );
  routes.add(
    { method: 'post', path: '/v1/staff/tenants/:tenantId/privacy/exports', tag: 'Staff: privacy', summary: 'Export a workspace\'s personal data (zip)', auth: ACCOUNTS_STAFF, params: tenantIdParam, responses: { 200: zipResponse } },
    ({ ctx, principal, params, res }) => runExport(deps, ctx, principal, params.tenantId, res),
  );

  const erasureResponses = { 200: { description: 'Erased: what was removed, what was kept and until when', schema: erasureSchema }, 409: { description: 'Already erased (API_TENANT_ERASED)' } };
  routes.add(
    { method: 'post', path: '/v1/privacy/erasures', tag: 'Privacy', summary: 'Erase the workspace\'s personal data and close it (billing data kept under legal hold)', auth: TENANT_WRITE, body: erasureBody, responses: erasureResponses },
    async ({ ctx, principal, body }) => ({ status: 200, body: await runErasure(deps, ctx, principal, tenantOf(principal), body.confirmTenantId) }),
  );
  routes.add(
    { method: 'post', path: '/v1/staff/tenants/:tenantId/privacy/erasures', tag: 'Staff: privacy', summary: 'Erase a workspace\'s personal data and close it', auth: ACCOUNTS_STAFF, params: tenantIdParam, body: erasureBody, responses: erasureResponses },
    async ({ ctx, principal, params, body }) => ({ status: 200, body: await runErasure(deps, ctx, principal, params.tenantId, body.confirmTenantId) }),
  );

  routes.add(
    { method: 'post', path: '/v1/privacy/corrections', tag: 'Privacy', summary: 'Correct account data (workspace name/country, users\' display names/emails)', auth: TENANT_WRITE, body: correctionBody, responses: { 200: { description: 'Corrected', schema: correctionSchema } } },
    async ({ ctx, principal, body }) => ({ status: 200, body: await runCorrection(deps, ctx, principal, tenantOf(principal), body) }),
  );
  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants/:tenantId/privacy/corrections', tag: 'Staff: privacy', summary: 'Correct a workspace\'s account data', auth: ACCOUNTS_STAFF,
      params: tenantIdParam, body: correctionBody, responses: { 200: { description: 'Corrected', schema: correctionSchema } },
    },
    async ({ ctx, principal, params, body }) => {
      await assertTenant(deps, params.tenantId);
      return { status: 200, body: await runCorrection(deps, ctx, principal, params.tenantId, body) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/privacy/requests', tag: 'Privacy', summary: 'The workspace\'s privacy requests, newest first', auth: TENANT_READ, query: listQuery, responses: { 200: { description: 'A page of requests', schema: pageOf(privacyRequestSchema) } } },
    async ({ principal, query }) => ({ status: 200, body: await listRequests(deps, tenantOf(principal), query) }),
  );
  routes.add(
    { method: 'get', path: '/v1/privacy/requests/:id', tag: 'Privacy', summary: 'One privacy request and its outcome', auth: TENANT_READ, params: idParam, responses: { 200: { description: 'The request', schema: privacyRequestSchema } } },
    async ({ principal, params }) => {
      const tenantId = tenantOf(principal);
      const row = await inScope(deps.pool, { tenantId }, async (c) => (await c.query<PrivacyRequestRow>(`SELECT ${PRIVACY_REQUEST_COLUMNS} FROM privacy_requests WHERE id = $1 AND tenant_id = $2`, [params.id, tenantId])).rows[0]);
      if (!row) throw notFound('privacy request');
      return { status: 200, body: toPrivacyRequest(row) };
    },
  );
  routes.add(
    {
      method: 'get', path: '/v1/staff/privacy/requests', tag: 'Staff: privacy', summary: 'Privacy requests of every workspace, newest first', auth: ANY_STAFF,
      query: listQuery.extend({ tenantId: z.uuid().optional() }), responses: { 200: { description: 'A page of requests', schema: pageOf(privacyRequestSchema) } },
    },
    async ({ query }) => ({ status: 200, body: await listRequests(deps, query.tenantId ?? null, query) }),
  );
  routes.add(
    { method: 'get', path: '/v1/staff/privacy/requests/:id', tag: 'Staff: privacy', summary: 'One privacy request and its outcome', auth: ANY_STAFF, params: idParam, responses: { 200: { description: 'The request', schema: privacyRequestSchema } } },
    async ({ params }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => (await c.query<PrivacyRequestRow>(`SELECT ${PRIVACY_REQUEST_COLUMNS} FROM privacy_requests WHERE id = $1`, [params.id])).rows[0]);
      if (!row) throw notFound('privacy request');
      return { status: 200, body: toPrivacyRequest(row) };
    },
  );
}
