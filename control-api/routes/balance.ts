import { z } from 'zod';
import { inScope } from '../db/scope.js';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors/index.js';
import { writeAudit } from '../http/audit.js';
import { currency, dateOut, idempotencyHeaders, tenantIdParam } from '../http/common-schemas.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../http/pagination.js';
import type { RouteTable } from '../http/route.js';
import { postTransaction } from '../ledger/post-transaction.js';
import { ACCOUNTS_STAFF, TENANT_READ, tenantOf } from './access.js';
import { one } from '../db/rows.js';

const balanceSchema = z
  .object({
    currency: z.string(), balanceMinor: z.number().int(), creditLimitMinor: z.number().int(),
    minuteBundles: z.array(z.object({ id: z.uuid(), prefixes: z.array(z.string()), secondsRemaining: z.number().int(), expiresAt: dateOut() })),
  })
  .meta({ id: 'Balance' });

const topupBody = z
  .strictObject({ amountMinor: z.number().int().min(1).max(100_000_000_00), currency: currency(), reference: z.string().max(200).optional() })
  .meta({ id: 'Topup' });
const topupSchema = z.object({ transactionId: z.uuid(), amountMinor: z.number().int(), currency: z.string(), balanceMinor: z.number().int(), replayed: z.boolean() }).meta({ id: 'TopupResult' });

const transactionSchema = z
  .object({ id: z.uuid(), kind: z.string(), description: z.string(), occurredAt: dateOut(), amountMinor: z.number().int().meta({ description: 'Effect on your balance' }), currency: z.string() })
  .meta({ id: 'LedgerTransaction' });

export function mountBalanceRoutes(routes: RouteTable, deps: ApiDeps): void {
  routes.add(
    { method: 'get', path: '/v1/balance', tag: 'Balance', summary: 'Money balance and unexpired minute bundles', auth: TENANT_READ, responses: { 200: { description: 'Balance', schema: balanceSchema } } },
    async ({ principal }) => {
      const tenantId = tenantOf(principal);
      const body = await inScope(deps.pool, { tenantId }, async (c) => {
        const b = (await c.query<{ currency: string; balance_minor: number; credit_limit_minor: number }>('SELECT currency, balance_minor, credit_limit_minor FROM tenant_balances WHERE tenant_id = $1', [tenantId])).rows[0];
        if (!b) throw notFound('tenant');
        const bundles = await c.query<{ id: string; prefixes: string[]; seconds_remaining: number; expires_at: Date }>(
          'SELECT id, prefixes, seconds_remaining, expires_at FROM minute_bundles WHERE tenant_id = $1 AND seconds_remaining > 0 AND expires_at > $2 ORDER BY expires_at',
          [tenantId, new Date(deps.clock.now())],
        );
        return {
          currency: b.currency, balanceMinor: b.balance_minor, creditLimitMinor: b.credit_limit_minor,
          minuteBundles: bundles.rows.map((r) => ({ id: r.id, prefixes: r.prefixes, secondsRemaining: r.seconds_remaining, expiresAt: r.expires_at.toISOString() })),
        };
      });
      return { status: 200, body };
    },
  );

  routes.add(
    { method: 'get', path: '/v1/ledger-transactions', tag: 'Balance', summary: 'Your ledger: top-ups and charges, newest first', auth: TENANT_READ, query: z.strictObject(pageQuery), responses: { 200: { description: 'A page', schema: pageOf(transactionSchema) } } },
    async ({ query, principal }) => {
      const tenantId = tenantOf(principal);
      const after = decodeCursor(query.cursor, 2);
      type Row = { id: string; kind: string; description: string; occurred_at: Date; amount_minor: number; currency: string };
      const rows = await inScope(deps.pool, { tenantId }, async (c) =>
        (
          await c.query<Row>(
            `SELECT t.id, t.kind, t.description, t.occurred_at, e.amount_minor, e.currency
               FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id AND e.tenant_id = $1
              WHERE t.tenant_id = $1 AND ($2::timestamptz IS NULL OR (date_trunc('milliseconds', t.occurred_at), t.id) < ($2::timestamptz, $3::uuid))
              ORDER BY date_trunc('milliseconds', t.occurred_at) DESC, t.id DESC LIMIT $4`,
            [tenantId, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
          )
        ).rows,
      );
      return {
        status: 200,
        body: paginate(rows, query.limit, (r) => [r.occurred_at.toISOString(), r.id], (r) => ({ id: r.id, kind: r.kind, description: r.description, occurredAt: r.occurred_at.toISOString(), amountMinor: r.amount_minor, currency: r.currency })),
      };
    },
  );

  routes.add(
    {
      method: 'post', path: '/v1/staff/tenants/:tenantId/topups', tag: 'Staff: tenants', summary: 'Credit a workspace balance; idempotent per Idempotency-Key', auth: ACCOUNTS_STAFF,
      params: tenantIdParam, headers: idempotencyHeaders, body: topupBody,
      responses: { 201: { description: 'Applied', schema: topupSchema }, 200: { description: 'Already applied with this key (replay)', schema: topupSchema } },
    },
    async ({ params, headers, body, ctx }) => {
      const key = headers['idempotency-key'];
      const result = await inScope(deps.pool, 'staff', async (c) => {
        const t = (await c.query<{ currency: string }>('SELECT currency FROM tenants WHERE id = $1', [params.tenantId])).rows[0];
        if (!t) throw notFound('tenant');
        if (t.currency !== body.currency) throw new ApiError('API_CURRENCY_MISMATCH', `the workspace is billed in ${t.currency}`, { errors: [{ path: 'body.currency', message: `expected ${t.currency}` }] });
        const metadata = { amountMinor: body.amountMinor, currency: body.currency, reference: body.reference ?? null };
        const tx = await postTransaction(c, {
          idempotencyKey: `topup:${params.tenantId}:${key}`, kind: 'topup', tenantId: params.tenantId, currency: body.currency, description: body.reference ?? 'top-up',
          occurredAt: new Date(deps.clock.now()), metadata,
          legs: [{ code: 'tenant_cash', tenantId: params.tenantId, amountMinor: body.amountMinor }, { code: 'topups_clearing', tenantId: null, amountMinor: -body.amountMinor }],
        });
        if (!tx.created && (tx.metadata['amountMinor'] !== body.amountMinor || tx.metadata['currency'] !== body.currency)) {
          throw new ApiError('API_IDEMPOTENCY_MISMATCH', 'this Idempotency-Key was used for a different top-up');
        }
        if (tx.created) await writeAudit(c, ctx, { action: 'balance.topup', targetKind: 'ledger_transaction', targetId: tx.id, tenantId: params.tenantId, after: { ...metadata, idempotencyKey: key } });
        const bal = one(await c.query<{ balance_minor: number }>('SELECT balance_minor FROM tenant_balances WHERE tenant_id = $1', [params.tenantId]));
        return { transactionId: tx.id, amountMinor: body.amountMinor, currency: body.currency, balanceMinor: bal.balance_minor, replayed: !tx.created };
      });
      if (!result.replayed) await deps.events.publish([{ entity: 'balance', op: 'updated', id: params.tenantId, tenantId: params.tenantId }]);
      return { status: result.replayed ? 200 : 201, body: result };
    },
  );
}
