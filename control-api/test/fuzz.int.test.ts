/* eslint-disable @typescript-eslint/no-unsafe-member-access -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProblem4xx, startHarness, type Harness } from './harness.js';

// Whatever JSON arrives, a write route answers 2xx or a 4xx problem+json, never 5xx.
describe('arbitrary request bodies never cause a 5xx', () => {
  let h: Harness;
  let admin: string;
  let tenant: { id: string; key: string };

  beforeAll(async () => {
    h = await startHarness({ API_RATE_LIMIT_PER_MIN: '100000' });
    admin = await h.staffToken('admin');
    tenant = await h.tenant(admin);
  });
  afterAll(() => h.close());

  it('fuzzes every JSON write route with a valid credential', async () => {
    const zero = '00000000-0000-4000-8000-000000000000';
    const writes = h.api.routes.filter((r) => r.method === 'post' || r.method === 'patch');
    expect(writes.length).toBeGreaterThan(15);
    const bodies = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.dictionary(fc.constantFrom('name', 'prefix', 'e164', 'amountMinor', 'currency', 'period', 'routing', 'status', 'scopes', 'username', 'password', 'numberId', 'kind', 'cidr', 'seconds'), fc.anything({ maxDepth: 2 })),
    );
    let calls = 0;
    for (const route of writes) {
      const path = route.path.replace(':tenantId', tenant.id).replace(':id', zero);
      const token = route.auth.kind === 'tenant' ? tenant.key : admin;
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          calls++;
          const r = await h.call(route.method.toUpperCase(), path, { token, raw: body === undefined ? 'null' : JSON.stringify(body), contentType: 'application/json', headers: { 'idempotency-key': `fuzz-${calls}` } });
          return r.status < 300 || isProblem4xx(r);
        }),
        { numRuns: 25, seed: 20261125 },
      );
    }
    expect(calls).toBe(writes.length * 25);
  });

  it('fuzzes the rate deck upload with arbitrary CSV text', async () => {
    const noc = await h.staffToken('noc');
    const deck = await h.call('POST', '/v1/staff/rate-decks', { token: noc, body: { kind: 'price', name: 'fuzz', currency: 'EUR' } });
    const header = 'prefix,rate_micros_per_min,initial_increment_sec,subsequent_increment_sec,effective_from,effective_to';
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('44', '0', '60', '2026-01-01', '2026-13-45', '', '"', '""', '-1', '1e3'));
    const line = fc.array(cell, { minLength: 0, maxLength: 7 }).map((cells) => cells.join(','));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), fc.boolean(), async (lines, withHeader) => {
        const csv = (withHeader ? [header, ...lines] : lines).join('\n');
        const r = await h.call('PUT', `/v1/staff/rate-decks/${deck.body.id}/rows`, { token: noc, raw: csv, contentType: 'text/csv' });
        const ok = r.status === 200 || (isProblem4xx(r) && r.body.code === 'API_RATE_DECK_INVALID');
        if (!ok) process.stderr.write(`FUZZ ${JSON.stringify(csv)} -> ${r.status} ${r.text}\n`);
        return ok;
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });
});
