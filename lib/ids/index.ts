export { BRANCH_MAGIC_COOKIE, CryptoIdSource, SeededIdSource } from './id-source.js';
export type { IdSource } from './id-source.js';
export { RandomPool } from './random-pool.js';
export type { RandomFill } from './random-pool.js';
