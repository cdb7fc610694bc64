import type { Pool } from '#lib/db/index.js';
import type { Tariff } from '../rating/index.js';

/** Reads the current version of one rate deck (price plan or cost deck) as tariffs. */
export async function loadDeck(pool: Pool, deckId: string): Promise<{ kind: 'price' | 'cost'; rows: Tariff[] } | null> {
  const deck = await pool.query<{ kind: 'price' | 'cost' }>('SELECT kind FROM rate_decks WHERE id = $1', [deckId]);
  const kind = deck.rows[0]?.kind;
  if (!kind) return null;
  const res = await pool.query<{
    prefix: string;
    rate_micros_per_min: number;
    connect_fee_micros: number;
    initial_increment_sec: number;
    subsequent_increment_sec: number;
    effective_from: Date;
    effective_to: Date | null;
    currency: string;
  }>(
    `SELECT prefix, rate_micros_per_min, connect_fee_micros, initial_increment_sec, subsequent_increment_sec,
            effective_from, effective_to, currency
       FROM current_rate_rows WHERE deck_id = $1`,
    [deckId],
  );
  const sourceKind = kind === 'price' ? 'price_plan' : 'cost_deck';
  return {
    kind,
    rows: res.rows.map((r) => ({
      prefix: r.prefix,
      rateMicrosPerMin: r.rate_micros_per_min,
      connectFeeMicros: r.connect_fee_micros,
      initialIncrementSec: r.initial_increment_sec,
      subsequentIncrementSec: r.subsequent_increment_sec,
      currency: r.currency,
      effectiveFromMs: r.effective_from.getTime(),
      effectiveToMs: r.effective_to === null ? null : r.effective_to.getTime(),
      source: { kind: sourceKind, id: deckId, rowId: `${r.prefix}@${r.effective_from.toISOString()}` },
    })),
  };
}

/** Cost decks per carrier (a carrier-wide deck; gateway-specific decks win for that gateway). */
export async function listCostDecks(pool: Pool): Promise<{ deckId: string; carrierId: string; gatewayId: string | null }[]> {
  const res = await pool.query<{ id: string; carrier_id: string; gateway_id: string | null }>(
    "SELECT id, carrier_id, gateway_id FROM rate_decks WHERE kind = 'cost' AND current_version_id IS NOT NULL",
  );
  return res.rows.map((r) => ({ deckId: r.id, carrierId: r.carrier_id, gatewayId: r.gateway_id }));
}
