export { createPool, parseInt8, withTransaction } from './pool.js';
export type { Pool, PoolClient, PoolOptions, QueryResult } from './pool.js';
export { migrate, readMigrations } from './migrator.js';
export type { Migration } from './migrator.js';
