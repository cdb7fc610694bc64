import { Transform } from 'node:stream';
import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { currency, dateOut, idParam, iso, name } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { importRateDeck } from '../rate-import/import-rate-deck.js';
import { ANY_STAFF, NETWORK_STAFF, TENANT_READ, tenantOf } from './access.js';
import { one } from '../db/rows.js';

const deckCreate = z
  .strictObject({ kind: z.enum(['price', 'cost']), name: name(), currency: currency(), tenantId: z.uuid().optional(), carrierId: z.uuid().optional(), gatewayId: z.uuid().optional() })
  .meta({ id: 'RateDeckCreate' });
const deckSchema = z
  .object({
    id: z.uuid(), kind: z.enum(['price', 'cost']), name: z.string(), currency: z.string(), tenantId: z.uuid().nullable(), carrierId: z.uuid().nullable(), gatewayId: z.uuid().nullable(),
    currentVersionId: z.uuid().nullable(), rowCount: z.number().int(), createdAt: dateOut(),
  })
  .meta({ id: 'RateDeck' });
type DeckRow = { id: string; kind: 'price' | 'cost'; name: string; currency: string; tenant_id: string | null; carrier_id: string | null; gateway_id: string | null; current_version_id: string | null; row_count: number | null; created_at: Date };
const toDeck = (r: DeckRow) => ({
  id: r.id, kind: r.kind, name: r.name, currency: r.currency, tenantId: r.tenant_id, carrierId: r.carrier_id, gatewayId: r.gateway_id,
  currentVersionId: r.current_version_id, rowCount: r.row_count ?? 0, createdAt: r.created_at.toISOString(),
});
const DECK_SELECT = 'SELECT d.*, v.row_count FROM rate_decks d LEFT JOIN rate_deck_versions v ON v.id = d.current_version_id';

export const rateRowSchema = z
  .object({
    prefix: z.string(), description: z.string(), rateMicrosPerMin: z.number().int(), connectFeeMicros: z.number().int(), initialIncrementSec: z.number().int(),
    subsequentIncrementSec: z.number().int(), effectiveFrom: dateOut(), effectiveTo: dateOut().nullable(), currency: z.string(),
  })
  .meta({ id: 'RateRow' });
type RateRow = { prefix: string; description: string; rate_micros_per_min: number; connect_fee_micros: number; initial_increment_sec: number; subsequent_increment_sec: number; effective_from: Date; effective_to: Date | null; currency: string };
const toRate = (r: RateRow) => ({
  prefix: r.prefix, description: r.description, rateMicrosPerMin: r.rate_micros_per_min, connectFeeMicros: r.connect_fee_micros, initialIncrementSec: r.initial_increment_sec,
  subsequentIncrementSec: r.subsequent_increment_sec, effectiveFrom: r.effective_from.toISOString(), effectiveTo: iso(r.effective_to), currency: r.currency,
});

export function mountRateDeckRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    { method: 'post', path: '/v1/staff/rate-decks', tag: 'Staff: rates', summary: 'Create a price plan (kind price) or carrier cost deck (kind cost)', auth: NETWORK_STAFF, body: deckCreate, responses: { 201: { description: 'Created (empty)', schema: deckSchema } } },
    async ({ body, ctx }) => {
      const row = await inScope(deps.pool, 'staff', async (c) => {
        const r = await c.query<{ id: string }>('INSERT INTO rate_decks (kind, name, currency, tenant_id, carrier_id, gateway_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id', [
          body.kind, body.name, body.currency, body.tenantId ?? null, body.carrierId ?? null, body.gatewayId ?? null,
        ]);
        const created = one(await c.query<DeckRow>(`${DECK_SELECT} WHERE d.id = $1`, [one(r).id]));
        await writeAudit(c, ctx, { action: 'rate_deck.create', targetKind: 'rate_deck', targetId: created.id, tenantId: created.tenant_id, after: toDeck(created) });
        return created;
      });
      await deps.events.publish([{ entity: 'rate_deck', op: 'created', id: row.id, tenantId: row.tenant_id }]);
      return { status: 201, body: toDeck(row) };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/staff/rate-decks', tag: 'Staff: rates', summary: 'List rate decks', auth: ANY_STAFF, query: z.strictObject(pageQuery), responses: { 200: { description: 'A page', schema: pageOf(deckSchema) } } },
    async ({ query }) => {
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, 'staff', async (c) =>
        (await c.query<DeckRow>(`${DECK_SELECT} WHERE ($1::text IS NULL OR (date_trunc('milliseconds', d.created_at), d.id) > ($1::timestamptz, $2::uuid)) ORDER BY date_trunc('milliseconds', d.created_at), d.id LIMIT $3`, [after?.[0] ?? null, after?.[1] ?? null, query.limit + 1])).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.created_at.toISOString(), r.id], toDeck) };
    },
  );

  routes.add(
    {
      method: 'put', path: '/v1/staff/rate-decks/:id/rows', tag: 'Staff: rates', summary: 'Replace a deck\'s rows from a CSV upload (streamed; all or nothing)', auth: NETWORK_STAFF, params: idParam,
      rawBody: {
        contentType: 'text/csv',
        description: 'Header line then one row per line. Columns: prefix, rate_micros_per_min, initial_increment_sec, subsequent_increment_sec, effective_from (required); connect_fee_micros, effective_to, currency, description (optional).',
      },
      responses: { 200: { description: 'Imported and swapped in', schema: z.object({ deckId: z.uuid(), versionId: z.uuid(), rowCount: z.number().int() }) }, 422: { description: 'Bad lines (errors[].path = "line N"); nothing applied' } },
    },
    async ({ params, req, ctx }) => {
      if (!req.is('text/csv')) throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'send the deck as text/csv');
      const max = deps.config.API_RATE_IMPORT_MAX_BYTES;
      if (Number(req.get('content-length') ?? 0) > max) throw new ApiError('API_BODY_TOO_LARGE', `deck larger than ${max} bytes`);
      let bytes = 0;
      const limiter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          done(bytes > max ? new ApiError('API_BODY_TOO_LARGE', `deck larger than ${max} bytes`) : null, chunk);
        },
      });
      req.pipe(limiter);
      const result = await importRateDeck({
        pool: deps.pool, deckId: params.id, source: limiter, sourceName: 'api upload', clock: deps.clock,
        onProgress: () => undefined,
        beforeCommit: (c, r) => writeAudit(c, ctx, { action: 'rate_deck.import', targetKind: 'rate_deck', targetId: params.id, tenantId: null, after: { versionId: r.versionId, rowCount: r.rowCount, previousVersionId: r.previousVersionId } }),
      });
      if (!result.ok) {
        if (result.reason === 'deck_not_found') throw notFound('rate deck');
        deps.metrics.rateImportRows.inc({ result: 'rejected' }, result.errorCount);
        throw new ApiError('API_RATE_DECK_INVALID', `${result.errorCount} bad line(s); nothing was applied`, { errors: result.errors.map((e) => ({ path: `line ${e.line}`, message: e.message })) });
      }
      deps.metrics.rateImportRows.inc({ result: 'accepted' }, result.rowCount);
      await deps.events.publish([{ entity: 'rate_deck', op: 'updated', id: params.id, tenantId: null, fields: ['rows'] }]);
      return { status: 200, body: { deckId: result.deckId, versionId: result.versionId, rowCount: result.rowCount } };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/staff/rate-decks/:id/rows', tag: 'Staff: rates', summary: 'Rows of the deck\'s current version', auth: ANY_STAFF, params: idParam,
      query: z.strictObject({ ...pageQuery, prefix: z.string().regex(/^[0-9]{1,15}$/).optional() }), responses: { 200: { description: 'A page', schema: pageOf(rateRowSchema) } },
    },
    async ({ params, query }) => {
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, 'staff', async (c) => {
        const deck = (await c.query<{ current_version_id: string | null }>('SELECT current_version_id FROM rate_decks WHERE id = $1', [params.id])).rows[0];
        if (!deck) throw notFound('rate deck');
        return (
          await c.query<RateRow>(
            `SELECT * FROM rate_deck_rows WHERE version_id = $1 AND ($2::text IS NULL OR prefix = $2) AND ($3::text IS NULL OR (prefix, effective_from) > ($3, $4::timestamptz))
              ORDER BY prefix, effective_from LIMIT $5`,
            [deck.current_version_id, query.prefix ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows;
      });
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.prefix, r.effective_from.toISOString()], toRate) };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/rates', tag: 'Rates', summary: 'Your price for a destination (longest prefix of your price plan, effective now)', auth: TENANT_READ,
      query: z.strictObject({ destination: z.string().regex(/^\+?[0-9]{1,15}$/, { error: 'expected an E.164 number or digits' }) }),
      responses: { 200: { description: 'The matching rate', schema: rateRowSchema } },
    },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const digits = query.destination.replace(/^\+/, '');
      const prefixes = Array.from({ length: digits.length }, (_, i) => digits.slice(0, i + 1));
      const row = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<RateRow>(
            `SELECT r.* FROM tenants t JOIN rate_decks d ON d.id = t.price_plan_id JOIN rate_deck_rows r ON r.version_id = d.current_version_id
              WHERE t.id = $1 AND r.prefix = ANY($2::text[]) AND r.effective_from <= $3 AND (r.effective_to IS NULL OR r.effective_to > $3)
              ORDER BY length(r.prefix) DESC LIMIT 1`,
            [tenantId, prefixes, new Date(deps.clock.now())],
          )
        ).rows[0],
      );
      if (!row) throw notFound('rate for this destination');
      return { status: 200, body: toRate(row) };
    },
  );
}
