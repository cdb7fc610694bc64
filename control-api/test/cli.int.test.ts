import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createPool, type Pool } from '#lib/db/index.js';
import { CryptoIdSource } from '#lib/ids/index.js';
import { projectRoot } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { deriveKey, open } from '#lib/secret-box/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { cliCreateCarrier, cliCreateDeck, cliCreateStaffAdmin, cliCreateTenant, cliImportRates, cliSeed, type CliDeps } from '../cli/commands.js';
import { SECRET_PURPOSE } from '../service.js';
import { T0, TOKEN_SECRET } from './harness.js';

const HEADER = 'prefix,rate_micros_per_min,initial_increment_sec,subsequent_increment_sec,effective_from';

describe('operator CLI', () => {
  let db: TestDatabase;
  let pool: Pool;
  let deps: CliDeps;
  const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, log: createLogger({ service: 't', level: 'silent' }), max: 2 });
    deps = { pool, clock: new SimulatedClock(T0), ids: new CryptoIdSource(), secretKey: deriveKey(TOKEN_SECRET, SECRET_PURPOSE), actor: { kind: 'cli', id: 'tester' } };
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('creates a tenant, a staff admin with an otpauth URI, and a carrier, all audited as cli', async () => {
    const t = await cliCreateTenant(deps, { name: 'CLI Tenant', country: 'DE', defaultDialPrefix: '49', currency: 'EUR', sipRealm: 'cli.sip.test' });
    expect(t).toMatchObject({ name: 'CLI Tenant', currency: 'EUR', status: 'active' });
    const s = await cliCreateStaffAdmin(deps, { email: 'root@example.test', displayName: 'Root', password: 'a long admin password' });
    expect(s.otpauthUri).toMatch(/^otpauth:\/\/totp\/softswitch:root%40example\.test\?secret=[A-Z2-7]+/);
    const stored = await pool.query<{ role: string; totp_secret_enc: Buffer }>('SELECT role, totp_secret_enc FROM staff_users WHERE id = $1', [s.id]);
    expect(stored.rows[0]?.role).toBe('admin');
    expect(open(deps.secretKey, stored.rows[0]!.totp_secret_enc)).toBe(new URL(s.otpauthUri).searchParams.get('secret'));
    const c = await cliCreateCarrier(deps, 'CLI Carrier');
    const audit = await pool.query<{ actor_kind: string; actor_id: string; action: string }>('SELECT actor_kind, actor_id, action FROM audit_log ORDER BY id');
    expect(audit.rows).toEqual([
      { actor_kind: 'cli', actor_id: 'tester', action: 'tenant.create' },
      { actor_kind: 'cli', actor_id: 'tester', action: 'staff_user.create' },
      { actor_kind: 'cli', actor_id: 'tester', action: 'carrier.create' },
    ]);
    expect(c.name).toBe('CLI Carrier');
  });

  it('imports a deck from a file with progress, and refuses a broken one leaving the old deck', async () => {
    const deck = await cliCreateDeck(deps, { kind: 'price', name: 'cli deck', currency: 'EUR', carrierId: null, tenantId: null });
    const good = join(dir, 'good.csv');
    writeFileSync(good, [HEADER, ...Array.from({ length: 2000 }, (_, i) => `49${i},${1000 + i},60,60,2026-01-01`)].join('\n'));
    const progress: number[] = [];
    const r = await cliImportRates(deps, deck.id, good, (read) => progress.push(read));
    expect(r).toMatchObject({ ok: true, rowCount: 2000 });
    expect(progress.at(-1)).toBeGreaterThan(0);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, [HEADER, '33,1,60,60,2026-01-01', '34,x,60,60,2026-01-01'].join('\n'));
    const refused = await cliImportRates(deps, deck.id, bad, () => undefined);
    expect(refused).toEqual({ ok: false, reason: 'invalid_rows', errorCount: 1, errors: [{ line: 3, message: expect.stringMatching(/rate_micros_per_min/) as string }] });
    const count = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM current_rate_rows WHERE deck_id = $1', [deck.id]);
    expect(count.rows[0]?.n).toBe(2000);
  });

  it('applies the development seed, twice without duplicates', async () => {
    const seeds = join(projectRoot(import.meta.url), 'sql', 'seeds');
    expect(await cliSeed(deps, seeds)).toEqual(['0001_dev_network.sql']);
    await cliSeed(deps, seeds);
    const counts = await pool.query<{ numbers: number; rates: number; routes: number }>(
      `SELECT (SELECT count(*)::int FROM numbers WHERE e164 LIKE '+49%555%') AS numbers,
              (SELECT count(*)::int FROM current_rate_rows WHERE deck_id = '00000000-0000-4000-8000-00000000d001') AS rates,
              (SELECT count(*)::int FROM routes WHERE prefix = '') AS routes`,
    );
    expect(counts.rows[0]).toEqual({ numbers: 3, rates: 3, routes: 1 });
  });

  it('runs as `npm run cli -- carrier:create` and names a bad option', async () => {
    const root = projectRoot(import.meta.url);
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'control-api/cli/main.ts'), ...args], {
          cwd: root,
          env: { PATH: process.env['PATH'] ?? '', PG_URL: db.url, REDIS_URL: inject('redisUrl'), API_TOKEN_SECRET: TOKEN_SECRET, CONFIG_FILES: '' },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      });
    const ok = await run(['carrier:create', '--name', 'Spawned Carrier']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^carrier_id=[0-9a-f-]{36}$/m);
    const bad = await run(['tenant:create', '--name', 'x', '--country', 'Germany', '--dial-prefix', '49', '--currency', 'EUR', '--realm', 'x.test']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--country');
  });
});
