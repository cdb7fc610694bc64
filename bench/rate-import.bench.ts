// bench:rate-import — imports a generated 1,000,000-row rate deck through the control API
// (PUT /v1/staff/rate-decks/:id/rows, streamed text/csv → csv-parse → COPY → validate → swap), against a
// project-local PostgreSQL and Redis started for the run (or BENCH_PG_URL / BENCH_REDIS_URL).
// Prints key=value lines; the last line is `import_s=N`.
import { createReadStream, createWriteStream, mkdtempSync, chmodSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { SystemClock } from '#lib/clock/index.js';
import { loadConfig } from '#lib/config/index.js';
import { createPool, migrate } from '#lib/db/index.js';
import { CryptoIdSource } from '#lib/ids/index.js';
import { freePort, projectRoot, startPostgres, startRedis } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { deriveKey } from '#lib/secret-box/index.js';
import { currentTotp } from '#control-api/auth/credentials.js';
import { createStaffUser } from '#control-api/auth/staff-users.js';
import { apiConfigSchema } from '#control-api/config.js';
import { inScope } from '#control-api/db/scope.js';
import { SECRET_PURPOSE, startApiService } from '#control-api/service.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const SECRET = 'bench-token-secret-0123456789abcdef';

async function writeDeck(file: string): Promise<number> {
  const out = createWriteStream(file);
  out.write('prefix,description,rate_micros_per_min,connect_fee_micros,initial_increment_sec,subsequent_increment_sec,effective_from,effective_to\n');
  let seed = 987_654;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0), seed % n);
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    // Unique prefixes: a country-ish head plus the row number, 4-12 digits.
    const prefix = `${1 + (i % 9)}${String(i).padStart(7, '0')}${rnd(10)}`;
    buf += `${prefix},Destination ${i},${1_000 + rnd(200_000)},${rnd(3) === 0 ? 500 : 0},60,60,2026-01-01,\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return statSync(file).size;
}

async function main(): Promise<void> {
  const root = projectRoot(import.meta.url);
  const log = createLogger({ service: 'bench', level: 'error' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-rate-import-'));
  chmodSync(dir, 0o711);
  const stops: (() => Promise<void>)[] = [];
  try {
    let pgUrl = process.env['BENCH_PG_URL'];
    let redisUrl = process.env['BENCH_REDIS_URL'];
    if (!pgUrl || !redisUrl) {
      const pg = await startPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), logDir: dir, log, ephemeral: true, database: 'bench' });
      stops.push(() => pg.stop());
      const redis = await startRedis({ dataDir: join(dir, 'redis'), port: await freePort(), logDir: dir, log, ephemeral: true });
      stops.push(() => redis.stop());
      pgUrl = pg.url;
      redisUrl = redis.url;
    }
    const pool = createPool({ url: pgUrl, log, max: 1 });
    await migrate(pool, join(root, 'sql', 'migrations'), log);
    await pool.end();

    const file = join(dir, 'deck.csv');
    const bytes = await writeDeck(file);

    const clock = new SystemClock();
    const ids = new CryptoIdSource();
    const config = loadConfig(apiConfigSchema, { env: { PG_URL: pgUrl, REDIS_URL: redisUrl, API_HTTP_PORT: '0', API_TOKEN_SECRET: SECRET, LOG_LEVEL: 'warn' }, files: [] });
    const api = await startApiService(config, log, { clock, ids });
    stops.unshift(() => api.shutdown.run('bench over'));
    const base = `http://127.0.0.1:${api.port}`;
    const { otpauthUri } = await inScope(api.pool, 'staff', (c) =>
      createStaffUser(c, { email: 'bench@example.test', displayName: 'Bench', role: 'admin', password: 'bench password 123' }, { secretKey: deriveKey(SECRET, SECRET_PURPOSE), ids }),
    );
    const totp = currentTotp(new URL(otpauthUri).searchParams.get('secret') ?? '', clock);
    const login = (await (await fetch(`${base}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.test', password: 'bench password 123', totp }) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${login.token}` };
    const deck = (await (await fetch(`${base}/v1/staff/rate-decks`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'cost', name: 'bench', currency: 'EUR', carrierId: await carrier(base, auth) }) })).json()) as { id: string };

    const started = clock.monotonic();
    const res = await fetch(`${base}/v1/staff/rate-decks/${deck.id}/rows`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(bytes) },
      body: Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })),
      duplex: 'half',
    });
    const body = (await res.json()) as { rowCount?: number };
    const seconds = (clock.monotonic() - started) / 1000;
    if (res.status !== 200 || body.rowCount !== ROWS) throw new Error(`import failed: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
    process.stdout.write(`bench=rate_import rows=${ROWS} bytes=${bytes} rows_per_s=${Math.round(ROWS / seconds)} node=${process.version}\n`);
    process.stdout.write(`import_s=${seconds.toFixed(2)}\n`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function carrier(base: string, auth: Record<string, string>): Promise<string> {
  const r = await fetch(`${base}/v1/staff/carriers`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench carrier' }) });
  return ((await r.json()) as { id: string }).id;
}

await main();
