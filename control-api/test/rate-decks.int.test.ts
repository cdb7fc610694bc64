/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const HEADER = 'prefix,description,rate_micros_per_min,connect_fee_micros,initial_increment_sec,subsequent_increment_sec,effective_from,effective_to';

describe('rate decks', () => {
  let h: Harness;
  let noc: string;
  let deckId: string;

  beforeAll(async () => {
    h = await startHarness();
    noc = await h.staffToken('noc');
    const d = await h.call('POST', '/v1/staff/rate-decks', { token: noc, body: { kind: 'price', name: 'Retail GBP', currency: 'GBP' } });
    expect(d.status, d.text).toBe(201);
    deckId = d.body.id;
  });
  afterAll(() => h.close());

  const upload = (csv: string) => h.call('PUT', `/v1/staff/rate-decks/${deckId}/rows`, { token: noc, raw: csv, contentType: 'text/csv' });

  it('imports a deck, swaps it in, and prices a destination for a tenant on that plan', async () => {
    const csv = [HEADER, '44,UK,10000,0,60,60,2026-01-01,', '4420,"London, central",8000,500,1,1,2026-01-01,2026-06-01', '4420,London from June,7000,0,1,1,2026-06-01,', '1,US,5000,0,6,6,2026-01-01T00:00:00Z,'].join('\n');
    const r = await upload(csv);
    expect(r.status, r.text).toBe(200);
    expect(r.body.rowCount).toBe(4);
    const rows = await h.call('GET', `/v1/staff/rate-decks/${deckId}/rows?prefix=4420`, { token: noc });
    expect(rows.body.items.map((x: { rateMicrosPerMin: number }) => x.rateMicrosPerMin)).toEqual([8000, 7000]);
    expect(rows.body.items[0].description).toBe('London, central');
    const admin = await h.staffToken('admin');
    const t = await h.tenant(admin, { pricePlanId: deckId });
    const rate = await h.call('GET', '/v1/rates?destination=%2B442071234567', { token: t.key });
    expect(rate.status, rate.text).toBe(200);
    expect(rate.body).toMatchObject({ prefix: '4420', rateMicrosPerMin: 8000, connectFeeMicros: 500, initialIncrementSec: 1 });
    const none = await h.call('GET', '/v1/rates?destination=%2B33123456789', { token: t.key });
    expect(none.status).toBe(404);
  });

  it('refuses a deck with broken lines, naming them, and keeps the previous deck intact', async () => {
    const before = await h.call('GET', `/v1/staff/rate-decks/${deckId}/rows?limit=200`, { token: noc });
    const csv = [
      HEADER,
      '49,DE,9000,0,60,60,2026-01-01,', // 2 ok
      '49x,bad prefix,9000,0,60,60,2026-01-01,', // 3
      '33,FR,12.5,0,60,60,2026-01-01,', // 4
      '34,ES,9000,0,0,60,2026-01-01,', // 5
      '39,IT,9000,0,60,60,soon,', // 6
      '41,CH,9000,0,60,60,2026-03-01,2026-02-01', // 7
      '43,AT,9000', // 8
    ].join('\n');
    const r = await upload(csv);
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.code).toBe('API_RATE_DECK_INVALID');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['line 3', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
    expect(r.body.errors[1].message).toMatch(/rate_micros_per_min/);
    const after = await h.call('GET', `/v1/staff/rate-decks/${deckId}/rows?limit=200`, { token: noc });
    expect(after.body).toEqual(before.body);
  });

  it('refuses overlapping effective dates for one prefix with both line numbers', async () => {
    const csv = [HEADER, '44,UK,10000,0,60,60,2026-01-01,2026-05-01', '45,DK,10000,0,60,60,2026-01-01,', '44,UK again,9000,0,60,60,2026-04-01,'].join('\n');
    const r = await upload(csv);
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ path: 'line 4', message: 'prefix 44: effective dates overlap line 2' }]);
    const dup = await upload([HEADER, '44,UK,1,0,60,60,2026-01-01,', '44,UK,1,0,60,60,2026-01-01,'].join('\n'));
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].path).toBe('line 3');
  });

  it('refuses bad headers, empty files, wrong media types and unknown decks', async () => {
    const unknown = await upload('prefix,rate\n44,1\n');
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ path: 'line 1' });
    const empty = await upload('');
    expect(empty.status).toBe(422);
    const wrongType = await h.call('PUT', `/v1/staff/rate-decks/${deckId}/rows`, { token: noc, body: { rows: [] } });
    expect(wrongType.status).toBe(415);
    const missing = await h.call('PUT', '/v1/staff/rate-decks/00000000-0000-4000-8000-000000000000/rows', { token: noc, raw: `${HEADER}\n`, contentType: 'text/csv' });
    expect(missing.status).toBe(404);
    const quote = await upload(`${HEADER}\n44,"unterminated,1,0,60,60,2026-01-01,\n`);
    expect(quote.status).toBe(422);
    const dupDeck = await h.call('POST', '/v1/staff/rate-decks', { token: noc, body: { kind: 'price', name: 'Retail GBP', currency: 'GBP' } });
    expect(dupDeck.status).toBe(409);
    const costNoCarrier = await h.call('POST', '/v1/staff/rate-decks', { token: noc, body: { kind: 'cost', name: 'Carrier X', currency: 'GBP' } });
    expect(costNoCarrier.status).toBe(422);
  });

  it('a second import replaces the rows in one swap', async () => {
    const r = await upload([HEADER, '44,UK,11111,0,60,60,2026-01-01,'].join('\n'));
    expect(r.status).toBe(200);
    const rows = await h.call('GET', `/v1/staff/rate-decks/${deckId}/rows`, { token: noc });
    expect(rows.body.items).toHaveLength(1);
    expect(rows.body.items[0].rateMicrosPerMin).toBe(11111);
    const decks = await h.call('GET', '/v1/staff/rate-decks', { token: noc });
    expect(decks.body.items[0]).toMatchObject({ id: deckId, rowCount: 1, currentVersionId: r.body.versionId });
  });
});
