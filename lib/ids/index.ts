export { BRANCH_MAGIC_COOKIE, CryptoIdSource, SeededIdSource } from './id-source.js';
export type { IdSource } from './id-source.js';
