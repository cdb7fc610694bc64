import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors/index.js';
import { dateOut, iso, isoDate } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { ANY_STAFF, TENANT_READ, tenantOf } from './access.js';
import type { PoolClient } from '#lib/db/index.js';

const DIRECTIONS = ['inbound', 'outbound', 'onnet'] as const;
const DISPOSITIONS = ['answered', 'busy', 'no_answer', 'failed', 'rejected', 'cancelled', 'cut_off'] as const;
/** Longest range one listing may span, so a query touches at most a few monthly partitions. */
const MAX_RANGE_MS = 93 * 24 * 3600 * 1000;

const cdrSchema = z
  .object({
    id: z.uuid(), callId: z.string(), direction: z.enum(DIRECTIONS), callingNumber: z.string(), calledNumber: z.string(), sipStatus: z.number().int().nullable(),
    sipReason: z.string().nullable(), disposition: z.enum(DISPOSITIONS), startedAt: dateOut(), ringAt: dateOut().nullable(), answerAt: dateOut().nullable(),
    endAt: dateOut().nullable(), pddMs: z.number().int().nullable(), billableSec: z.number().int(), priceMinor: z.number().int(), currency: z.string().nullable(),
    endReason: z.string().nullable(), recorded: z.boolean(),
    recordingKind: z.enum(['client', 'diagnostic']).nullable().meta({ description: 'Which rule recorded the call: the client\'s, or a staff troubleshooting window' }),
  })
  .meta({ id: 'Cdr' });

const rangeQuery = {
  from: isoDate().optional().meta({ description: 'Inclusive start (default: 31 days before `to`)' }),
  to: isoDate().optional().meta({ description: 'Exclusive end (default: now)' }),
};

type CdrRow = {
  id: string; call_id: string; direction: (typeof DIRECTIONS)[number]; calling_number: string; called_number: string; sip_status: number | null; sip_reason: string | null;
  disposition: (typeof DISPOSITIONS)[number]; started_at: Date; ring_at: Date | null; answer_at: Date | null; end_at: Date | null; pdd_ms: number | null;
  billable_sec: number; price_minor: number; currency: string | null; end_reason: string | null; recorded: boolean;
  recording_kind: 'client' | 'diagnostic' | null;
};
const toCdr = (r: CdrRow): z.infer<typeof cdrSchema> => ({
  id: r.id, callId: r.call_id, direction: r.direction, callingNumber: r.calling_number, calledNumber: r.called_number, sipStatus: r.sip_status, sipReason: r.sip_reason,
  disposition: r.disposition, startedAt: r.started_at.toISOString(), ringAt: iso(r.ring_at), answerAt: iso(r.answer_at), endAt: iso(r.end_at), pddMs: r.pdd_ms,
  billableSec: r.billable_sec, priceMinor: r.price_minor, currency: r.currency, endReason: r.end_reason, recorded: r.recorded,
  recordingKind: r.recording_kind,
});
const CSV_COLUMNS = Object.keys(cdrSchema.shape) as (keyof z.infer<typeof cdrSchema>)[];

function csvCell(v: unknown): string {
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  // Quote when needed; prefix formula-looking cells so spreadsheets do not execute them.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^[+-]?[0-9]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function range(q: { from?: string | undefined; to?: string | undefined }, nowMs: number): { from: Date; to: Date } {
  const to = q.to === undefined ? new Date(nowMs) : new Date(q.to);
  const from = q.from === undefined ? new Date(to.getTime() - 31 * 24 * 3600 * 1000) : new Date(q.from);
  if (from >= to || to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw new ApiError('API_VALIDATION_FAILED', 'invalid time range', { errors: [{ path: 'query.from', message: '`from` must be before `to` and at most 93 days earlier' }] });
  }
  return { from, to };
}

type CdrFilter = {
  tenantId?: string | undefined; from: Date; to: Date; direction?: string | undefined; disposition?: string | undefined; number?: string | undefined;
  after: string[] | undefined; limit: number;
};

/** One page (+1 row) of CDRs, newest first; `tenantId` undefined = every tenant (staff). */
async function selectCdrs(c: PoolClient, f: CdrFilter): Promise<CdrRow[]> {
  const r = await c.query<CdrRow>(
    `SELECT * FROM cdrs WHERE ($1::uuid IS NULL OR tenant_id = $1) AND started_at >= $2 AND started_at < $3
       AND ($4::text IS NULL OR direction = $4) AND ($5::text IS NULL OR disposition = $5) AND ($6::text IS NULL OR calling_number = $6 OR called_number = $6)
       AND ($7::timestamptz IS NULL OR (date_trunc('milliseconds', started_at), id) < ($7::timestamptz, $8::uuid))
     ORDER BY date_trunc('milliseconds', started_at) DESC, id DESC LIMIT $9`,
    [f.tenantId ?? null, f.from, f.to, f.direction ?? null, f.disposition ?? null, f.number ?? null, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit + 1],
  );
  return r.rows;
}

const staffCdrSchema = cdrSchema
  .extend({ tenantId: z.uuid().nullable(), gatewayId: z.uuid().nullable(), carrierId: z.uuid().nullable(), costMinor: z.number().int(), marginMinor: z.number().int(), rating: z.unknown(), reconciled: z.boolean() })
  .meta({ id: 'StaffCdr' });
type StaffCdrRow = CdrRow & { tenant_id: string | null; gateway_id: string | null; carrier_id: string | null; cost_minor: number; margin_minor: number; rating: unknown; reconciled: boolean };

export function mountCdrRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'get', path: '/v1/cdrs', tag: 'CDRs', summary: 'Call detail records, newest first, as JSON or CSV (format=csv)', auth: TENANT_READ,
      query: z.strictObject({
        ...pageQuery, ...rangeQuery,
        limit: z.coerce.number().int().min(1).max(10_000).default(50).meta({ description: 'Up to 200 for JSON, 10,000 for CSV' }),
        direction: z.enum(DIRECTIONS).optional(), disposition: z.enum(DISPOSITIONS).optional(),
        number: z.string().regex(/^\+?[0-9]{1,15}$/).optional().meta({ description: 'Calling or called number (exact)' }), format: z.enum(['json', 'csv']).default('json'),
      }),
      responses: { 200: { description: 'A page of CDRs (CSV: X-Next-Cursor header carries the cursor)', schema: pageOf(cdrSchema) } },
    },
    async ({ query, principal, res }) => {
      const tenantId = tenantOf(principal);
      if (query.format === 'json' && query.limit > 200) throw new ApiError('API_VALIDATION_FAILED', 'limit too large', { errors: [{ path: 'query.limit', message: 'at most 200 for JSON' }] });
      const { from, to } = range(query, deps.clock.now());
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, { tenantId }, (c) => selectCdrs(c, { ...query, tenantId, from, to, after }));
      const page = paginate(rows, query.limit, (r) => [r.started_at.toISOString(), r.id], toCdr);
      if (query.format === 'json') return { status: 200, body: page };
      if (page.nextCursor !== null) res.setHeader('x-next-cursor', page.nextCursor);
      res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', 'attachment; filename="cdrs.csv"');
      res.write(CSV_COLUMNS.join(',') + '\r\n');
      for (const cdr of page.items) res.write(CSV_COLUMNS.map((k) => csvCell(cdr[k])).join(',') + '\r\n');
      res.end();
      return undefined;
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/usage', tag: 'CDRs', summary: 'Usage totals for a period, by direction', auth: TENANT_READ, query: z.strictObject(rangeQuery),
      responses: {
        200: {
          description: 'Totals',
          schema: z
            .object({
              from: dateOut(), to: dateOut(),
              totals: z.array(z.object({ direction: z.enum(DIRECTIONS), currency: z.string().nullable(), calls: z.number().int(), answered: z.number().int(), billableSec: z.number().int(), priceMinor: z.number().int() })),
            })
            .meta({ id: 'Usage' }),
        },
      },
    },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const { from, to } = range(query, deps.clock.now());
      type Row = { direction: (typeof DIRECTIONS)[number]; currency: string | null; calls: number; answered: number; billable_sec: number; price_minor: number };
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<Row>(
            `SELECT direction, currency, count(*)::int AS calls, count(*) FILTER (WHERE disposition = 'answered')::int AS answered,
                    coalesce(sum(billable_sec), 0)::bigint AS billable_sec, coalesce(sum(price_minor), 0)::bigint AS price_minor
               FROM cdrs WHERE tenant_id = $1 AND started_at >= $2 AND started_at < $3 GROUP BY direction, currency ORDER BY direction, currency`,
            [tenantId, from, to],
          )
        ).rows,
      );
      return {
        status: 200,
        body: { from: from.toISOString(), to: to.toISOString(), totals: rows.map((r) => ({ direction: r.direction, currency: r.currency, calls: r.calls, answered: r.answered, billableSec: r.billable_sec, priceMinor: r.price_minor })) },
      };
    },
  );

  routes.add(
    {
      method: 'get', path: '/v1/staff/cdrs', tag: 'Staff: CDRs', summary: 'CDRs across workspaces with carrier cost and margin, newest first', auth: ANY_STAFF,
      query: z.strictObject({
        ...pageQuery, ...rangeQuery, tenantId: z.uuid().optional(), direction: z.enum(DIRECTIONS).optional(), disposition: z.enum(DISPOSITIONS).optional(),
        number: z.string().regex(/^\+?[0-9]{1,15}$/).optional(),
      }),
      responses: { 200: { description: 'A page', schema: pageOf(staffCdrSchema) } },
    },
    async ({ query }) => {
      const { from, to } = range(query, deps.clock.now());
      const after = decodeCursor(query.cursor, 2);
      const rows = (await inScope(deps.pool, 'staff', (c) => selectCdrs(c, { ...query, from, to, after }))) as StaffCdrRow[];
      return {
        status: 200,
        body: paginate(rows, query.limit, (r) => [r.started_at.toISOString(), r.id], (r) => ({
          ...toCdr(r), tenantId: r.tenant_id, gatewayId: r.gateway_id, carrierId: r.carrier_id, costMinor: r.cost_minor, marginMinor: r.margin_minor, rating: r.rating, reconciled: r.reconciled,
        })),
      };
    },
  );
}
