import pg from 'pg';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

export type { Pool, PoolClient, QueryResult } from 'pg';

const INT8_OID = 20;

/** Parses int8 (BIGINT) into a JS number, refusing values that would lose precision. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new AppError('DB_INT8_UNSAFE', `int8 value ${text} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
}

export type PoolOptions = {
  url: string;
  log: Logger;
  max?: number;
  applicationName?: string;
  /** Per-connection statement timeout; protects the pool from runaway queries. */
  statementTimeoutMs?: number;
};

/** pg's own parser for every other type (its typings take an enum; at run time it is the OID). */
const defaultParser = pg.types.getTypeParser as unknown as (oid: number, format?: 'text' | 'binary') => unknown;

/** A pg Pool with int8 parsed per pool (never via pg's global type parsers). */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'softswitch',
    ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
        oid === INT8_OID && format !== 'binary' ? parseInt8 : defaultParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', (err) => options.log.warn({ err }, 'idle PostgreSQL client failed'));
  return pool;
}

/**
 * Runs `fn` inside BEGIN … COMMIT on one client, rolling back on any error. `beginSql` replaces the
 * plain BEGIN when the transaction must also set something up in the same round trip
 * (e.g. `BEGIN; SET LOCAL ROLE …`).
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, beginSql = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(beginSql);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
