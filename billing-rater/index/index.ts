export { PrefixIndex, MAX_PREFIX_DIGITS } from './prefix-index.js';
export { parseDestination, type DestinationDigits } from './destination-digits.js';
export { RateIndexStore } from './rate-index-store.js';
export { loadDeck, listCostDecks } from './deck-loader.js';
