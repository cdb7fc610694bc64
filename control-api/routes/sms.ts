import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { dateOut } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { TENANT_READ, tenantOf } from './access.js';

// SMS the switch handled (SIP MESSAGE, switch/sms/, table sms_messages). Inbound messages no
// device took are kept with status `stored`: this listing is how the workspace picks them up.
const DIRECTIONS = ['inbound', 'outbound', 'onnet'] as const;
const STATUSES = ['sent', 'delivered', 'stored', 'failed', 'rejected'] as const;

const smsSchema = z
  .object({
    id: z.uuid(), direction: z.enum(DIRECTIONS), status: z.enum(STATUSES), from: z.string(), to: z.string(), contentType: z.string(), body: z.string(),
    sipStatus: z.number().int(), priceMinor: z.number().int(), currency: z.string().nullable(), occurredAt: dateOut(),
  })
  .meta({ id: 'SmsMessage' });

type Row = {
  id: string; direction: (typeof DIRECTIONS)[number]; status: (typeof STATUSES)[number]; from_number: string; to_number: string; content_type: string; body: string;
  sip_status: number; price_minor: number; currency: string | null; occurred_at: Date;
};
const toSms = (r: Row): z.infer<typeof smsSchema> => ({
  id: r.id, direction: r.direction, status: r.status, from: r.from_number, to: r.to_number, contentType: r.content_type, body: r.body,
  sipStatus: r.sip_status, priceMinor: r.price_minor, currency: r.currency, occurredAt: r.occurred_at.toISOString(),
});

export function mountSmsRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    {
      method: 'get', path: '/v1/sms', tag: 'SMS', summary: 'List the workspace\'s SMS, newest first (status=stored: inbound messages no device took)', auth: TENANT_READ,
      query: z.object({ ...pageQuery, status: z.enum(STATUSES).optional(), direction: z.enum(DIRECTIONS).optional() }),
      responses: { 200: { description: 'A page of messages', schema: pageOf(smsSchema) } },
    },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 2);
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<Row>(
            `SELECT id, direction, status, from_number, to_number, content_type, body, sip_status, price_minor, currency, occurred_at FROM sms_messages
              WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR direction = $3)
                AND ($4::timestamptz IS NULL OR (occurred_at, id) < ($4::timestamptz, $5::uuid))
              ORDER BY occurred_at DESC, id DESC LIMIT $6`,
            [tenantId, query.status ?? null, query.direction ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return { status: 200, body: paginate(rows, query.limit, (r) => [r.occurred_at.toISOString(), r.id], toSms) };
    },
  );
}
