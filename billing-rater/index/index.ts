export { PrefixIndex, MAX_PREFIX_DIGITS } from './prefix-index.js';
