// What each carrier charges us for a destination: the longest matching prefix of its current cost
// deck (a gateway's own deck wins over its carrier's), effective at the call's time. Looks up the
// destination's prefixes by equality so the deck's primary key serves it.
import type { Pool } from '#lib/db/index.js';

/** Cost per gateway id in micro-units per minute; gateways whose decks have no rate are absent. */
export async function carrierCosts(pool: Pool, e164: string, gateways: readonly { gatewayId: string; carrierId: string }[], atMs: number): Promise<Map<string, number>> {
  const digits = e164.replace(/^\+/, '');
  const prefixes = Array.from({ length: digits.length }, (_, i) => digits.slice(0, i + 1));
  const carrierIds = [...new Set(gateways.map((g) => g.carrierId))];
  const r = await pool.query<{ carrier_id: string; gateway_id: string | null; rate_micros_per_min: number }>(
    `SELECT DISTINCT ON (carrier_id, gateway_id) carrier_id, gateway_id, rate_micros_per_min
       FROM current_rate_rows
      WHERE kind = 'cost' AND carrier_id = ANY ($1::uuid[]) AND prefix = ANY ($2::text[])
        AND effective_from <= to_timestamp($3 / 1000.0) AND (effective_to IS NULL OR effective_to > to_timestamp($3 / 1000.0))
      ORDER BY carrier_id, gateway_id, length(prefix) DESC`,
    [carrierIds, prefixes, atMs],
  );
  const byCarrier = new Map<string, number>();
  const byGateway = new Map<string, number>();
  for (const row of r.rows) {
    if (row.gateway_id === null) byCarrier.set(row.carrier_id, row.rate_micros_per_min);
    else byGateway.set(row.gateway_id, row.rate_micros_per_min);
  }
  const out = new Map<string, number>();
  for (const g of gateways) {
    const cost = byGateway.get(g.gatewayId) ?? byCarrier.get(g.carrierId);
    if (cost !== undefined) out.set(g.gatewayId, cost);
  }
  return out;
}
