import type { Pool } from '#lib/db/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Tariff } from '../rating/index.js';
import { listCostDecks, loadDeck } from './deck-loader.js';
import { parseDestination } from './destination-digits.js';
import { PrefixIndex } from './prefix-index.js';

/**
 * Holds one PrefixIndex per deck. A refresh builds the new index aside and then swaps the map
 * entry, so lookups (synchronous) never wait for a rebuild. Loads lazily on first use.
 */
export class RateIndexStore {
  readonly #pool: Pool;
  readonly #log: Logger;
  #decks = new Map<string, PrefixIndex>();
  readonly #loading = new Map<string, Promise<PrefixIndex | null>>();
  #costDecks: { deckId: string; carrierId: string; gatewayId: string | null }[] = [];

  constructor(pool: Pool, log: Logger) {
    this.#pool = pool;
    this.#log = log;
  }

  /** The deck's index, loading it on first use. */
  async deck(deckId: string): Promise<PrefixIndex | null> {
    const have = this.#decks.get(deckId);
    if (have) return have;
    return this.refresh(deckId);
  }

  /** Rebuilds one deck aside and swaps it in (concurrent refreshes of one deck share the work). */
  refresh(deckId: string): Promise<PrefixIndex | null> {
    const running = this.#loading.get(deckId);
    if (running) return running;
    const work = (async () => {
      const deck = await loadDeck(this.#pool, deckId);
      if (!deck) {
        this.#decks.delete(deckId);
        return null;
      }
      const index = new PrefixIndex(deck.rows);
      this.#decks.set(deckId, index);
      this.#log.info({ deckId, prefixes: index.size }, 'rate deck indexed');
      return index;
    })().finally(() => this.#loading.delete(deckId));
    this.#loading.set(deckId, work);
    return work;
  }

  /** Rebuilds every loaded deck (after a pub/sub reconnect, when change events may have been missed). */
  async refreshAll(): Promise<void> {
    await this.refreshCostDecks();
    for (const deckId of [...this.#decks.keys()]) await this.refresh(deckId);
  }

  /** Re-reads the list of carrier cost decks (on carrier / gateway / rate_deck changes). */
  async refreshCostDecks(): Promise<void> {
    this.#costDecks = await listCostDecks(this.#pool);
  }

  /** The carrier's cost for `destination` at `atMs` (gateway deck first, then carrier-wide). */
  async carrierCost(carrierId: string | null, gatewayId: string | null, destination: string, atMs: number): Promise<Tariff | undefined> {
    if (carrierId === null) return undefined;
    const candidates = this.#costDecks
      .filter((d) => d.carrierId === carrierId && (d.gatewayId === null || d.gatewayId === gatewayId))
      .sort((a, b) => (a.gatewayId === null ? 1 : 0) - (b.gatewayId === null ? 1 : 0));
    const digits = parseDestination(destination); // read once for every candidate deck
    for (const c of candidates) {
      const row = (await this.deck(c.deckId))?.lookupDigits(digits, atMs);
      if (row) return row;
    }
    return undefined;
  }
}
