import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/** sql/migrations/NNNN_description.sql */
const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Arbitrary constant key for the advisory lock that serialises concurrent migrators. */
const LOCK_KEY = 7_202_611;

export type Migration = { version: number; name: string; sql: string; checksum: string };

/** Lists the migrations in `dir`, in version order; refuses duplicates and badly named files. */
export function readMigrations(dir: string): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((name) => {
    const m = FILE_NAME.exec(name);
    if (!m) throw new AppError('DB_MIGRATION_BAD_NAME', `migration file ${name} must be named NNNN_description.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new AppError('DB_MIGRATION_DUPLICATE', `two migrations share version ${version}`);
    seen.add(version);
    const sql = readFileSync(join(dir, name), 'utf8');
    return { version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/**
 * Applies pending migrations in order, each in its own transaction, recording them in
 * `schema_migrations`. Re-running is a no-op. A changed, already-applied file is an error.
 */
export async function migrate(pool: pg.Pool, dir: string, log: Logger): Promise<{ applied: string[] }> {
  const migrations = readMigrations(dir);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Map<number, string>();
    for (const row of (await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations')).rows) {
      done.set(row.version, row.checksum);
    }
    for (const m of migrations) {
      const prior = done.get(m.version);
      if (prior !== undefined) {
        if (prior !== m.checksum) throw new AppError('DB_MIGRATION_CHANGED', `migration ${m.name} was changed after it was applied`);
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        await client.query('COMMIT');
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new AppError('DB_MIGRATION_FAILED', `migration ${m.name} failed: ${(cause as Error).message}`, { cause });
      }
      applied.push(m.name);
      log.info({ migration: m.name }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
  return { applied };
}
