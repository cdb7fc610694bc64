import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { findPostgresBin, systemUser } from './binaries.js';
import { LocalChild, waitUntilReady } from './child.js';

export type LocalPostgresOptions = {
  dataDir: string;
  port: number;
  logDir: string;
  log: Logger;
  database?: string;
  /** Trade durability for speed (fsync off): for test clusters only. */
  ephemeral?: boolean;
};

export type LocalPostgres = {
  readonly port: number;
  /** Superuser URL of the project database. */
  readonly url: string;
  /** Superuser URL with another database name. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

/**
 * Starts a project-local PostgreSQL cluster on 127.0.0.1:`port`, creating it on first use.
 * PostgreSQL refuses to run as root, so under root it runs as the `postgres` system user,
 * which must own the data folder and be able to reach it.
 */
export async function startPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const initdb = findPostgresBin('initdb');
  const postgres = findPostgresBin('postgres');
  if (!initdb || !postgres) throw new AppError('STACK_MISSING_BINARY', 'PostgreSQL server binaries not found; install the Debian package postgresql');
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  if (process.getuid?.() === 0 && !owner) throw new AppError('STACK_MISSING_USER', 'running as root but there is no postgres system user; install the Debian package postgresql');
  const dataDir = resolve(options.dataDir);
  if (owner) assertReachableByOthers(dirname(dataDir));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const logFile = join(options.logDir, 'postgres.log');
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const r = spawnSync(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], { encoding: 'utf8', ...ids });
    if (r.status !== 0) throw new AppError('STACK_INITDB_FAILED', `initdb failed: ${r.stderr || r.stdout || r.error?.message}`);
    options.log.info({ dataDir }, 'postgres cluster created');
  }
  const args = ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (options.ephemeral) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const child = new LocalChild({ name: 'postgres', command: postgres, args, logFile, log: options.log, stopSignal: 'SIGINT', ...ids });
  const base = `postgres://postgres@127.0.0.1:${options.port}`;
  const database = options.database ?? 'softswitch';
  await waitUntilReady(child, () => canQuery(`${base}/postgres`), 30_000, logFile);
  await createDatabaseIfMissing(`${base}/postgres`, database);
  return {
    port: options.port,
    url: `${base}/${database}`,
    urlFor: (db) => `${base}/${db}`,
    stop: () => child.stop(),
  };
}

/** The `postgres` user must traverse every folder above its data folder. */
function assertReachableByOthers(dir: string): void {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new AppError('STACK_PG_DIR_UNREACHABLE', `folder ${d} is not searchable by the postgres user (chmod o+x ${d}, or set PG_DATA_DIR elsewhere)`);
    }
    if (dirname(d) === d) return;
  }
}

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
