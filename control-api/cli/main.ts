// Operator CLI: `npm run cli -- <command>`. Reads PG_URL, REDIS_URL and API_TOKEN_SECRET from the
// environment or CONFIG_FILES (default: the local stack's .data/secrets.json when it exists).
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { SystemClock } from '#lib/clock/index.js';
import { ConfigError, fields, loadConfig, postgresConfigSchema, redisConfigSchema } from '#lib/config/index.js';
import { createPool } from '#lib/db/index.js';
import { CryptoIdSource } from '#lib/ids/index.js';
import { projectRoot } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { createRedis } from '#lib/redis/index.js';
import { Registry } from 'prom-client';
import { deriveKey } from '#lib/secret-box/index.js';
import { ChangePublisher, type Change } from '../http/change-publisher.js';
import { SECRET_PURPOSE } from '../service.js';
import { tenantCreateSchema } from '../routes/tenants.js';
import { cliCreateCarrier, cliCreateDeck, cliCreateStaffAdmin, cliCreateTenant, cliImportRates, cliSeed, type CliDeps } from './commands.js';

const cliConfigSchema = postgresConfigSchema.extend(redisConfigSchema.shape).extend({ API_TOKEN_SECRET: fields.secret(), LOG_LEVEL: fields.logLevel().default('warn') });

const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string, code = 1): never => {
  process.stderr.write(`${line}\n`);
  process.exit(code);
};

function loadCliConfig() {
  const root = projectRoot(import.meta.url);
  const secrets = join(root, '.data', 'secrets.json');
  const files = process.env['CONFIG_FILES'] === undefined && existsSync(secrets) ? [secrets] : undefined;
  try {
    return loadConfig(cliConfigSchema, { env: process.env, ...(files ? { files } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) return fail(err.message, 78);
    throw err;
  }
}

async function withDeps<T>(fn: (deps: CliDeps, publish: (changes: Change[]) => Promise<void>) => Promise<T>): Promise<T> {
  const config = loadCliConfig();
  const log = createLogger({ service: 'control-cli', level: config.LOG_LEVEL });
  const pool = createPool({ url: config.PG_URL, log, applicationName: 'control-cli', max: 2 });
  const redis = createRedis({ url: config.REDIS_URL, log, maxRetriesPerRequest: 1 });
  const clock = new SystemClock();
  const published = new Counter({ name: 'api_change_events_published_total', help: 'CLI change notifications', labelNames: ['entity', 'result'], registers: [new Registry()] });
  const events = new ChangePublisher({ redis, clock, log, published });
  try {
    const deps: CliDeps = { pool, clock, ids: new CryptoIdSource(), secretKey: deriveKey(config.API_TOKEN_SECRET, SECRET_PURPOSE), actor: { kind: 'cli', id: userInfo().username || 'operator' } };
    return await fn(deps, (changes) => events.publish(changes));
  } finally {
    redis.disconnect();
    await pool.end();
  }
}

/** Validates an option with the same zod schema as the API. */
function parseTenant(opts: Record<string, unknown>) {
  const r = tenantCreateSchema.safeParse({
    name: opts['name'], country: opts['country'], defaultDialPrefix: opts['dialPrefix'], currency: opts['currency'], sipRealm: opts['realm'],
    ...(opts['maxCalls'] === undefined ? {} : { maxConcurrentCalls: Number(opts['maxCalls']) }),
    ...(opts['maxCps'] === undefined ? {} : { maxCps: Number(opts['maxCps']) }),
  });
  if (!r.success) return fail(r.error.issues.map((i) => `--${String(i.path[0] ?? '?')}: ${i.message}`).join('\n'), 2);
  return r.data;
}

const program = new Command('softswitch-cli').description('Operator commands for the softswitch control plane').showHelpAfterError();

program
  .command('tenant:create')
  .description('Create a tenant (workspace)')
  .requiredOption('--name <name>')
  .requiredOption('--country <ISO 3166 alpha-2>')
  .requiredOption('--dial-prefix <digits>', 'country calling code, e.g. 44')
  .requiredOption('--currency <ISO 4217>')
  .requiredOption('--realm <sip realm>')
  .option('--max-calls <n>')
  .option('--max-cps <n>')
  .action(async (opts: Record<string, unknown>) => {
    const input = parseTenant(opts);
    const t = await withDeps(async (deps, publish) => {
      const created = await cliCreateTenant(deps, input);
      await publish([{ entity: 'tenant', op: 'created', id: created.id, tenantId: created.id }]);
      return created;
    });
    out(`tenant_id=${t.id}`);
  });

program
  .command('staff:create-admin')
  .description('Create a staff admin; prints the TOTP enrolment otpauth:// URI (scan it now, it is not shown again)')
  .requiredOption('--email <email>')
  .requiredOption('--name <display name>')
  .option('--password <password>', 'at least 12 characters; default: read STAFF_PASSWORD from the environment')
  .action(async (opts: { email: string; name: string; password?: string }) => {
    const password = opts.password ?? process.env['STAFF_PASSWORD'] ?? '';
    const parsed = z.object({ email: z.email(), password: z.string().min(12) }).safeParse({ email: opts.email, password });
    if (!parsed.success) fail(parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`).join('\n'), 2);
    const s = await withDeps((deps) => cliCreateStaffAdmin(deps, { email: opts.email, displayName: opts.name, password }));
    out(`staff_id=${s.id}`);
    out(`otpauth_uri=${s.otpauthUri}`);
  });

program
  .command('carrier:create')
  .description('Create a carrier')
  .requiredOption('--name <name>')
  .action(async (opts: { name: string }) => {
    const c = await withDeps(async (deps, publish) => {
      const created = await cliCreateCarrier(deps, opts.name);
      await publish([{ entity: 'carrier', op: 'created', id: created.id, tenantId: null }]);
      return created;
    });
    out(`carrier_id=${c.id}`);
  });

program
  .command('rates:create-deck')
  .description('Create an empty rate deck: a price plan (--kind price) or a carrier cost deck (--kind cost --carrier <id>)')
  .requiredOption('--kind <price|cost>', 'deck kind', (v) => {
    if (v !== 'price' && v !== 'cost') throw new InvalidArgumentError('expected price or cost');
    return v;
  })
  .requiredOption('--name <name>')
  .requiredOption('--currency <ISO 4217>')
  .option('--carrier <uuid>')
  .option('--tenant <uuid>', 'private price plan of one tenant')
  .action(async (opts: { kind: 'price' | 'cost'; name: string; currency: string; carrier?: string; tenant?: string }) => {
    const d = await withDeps((deps) => cliCreateDeck(deps, { kind: opts.kind, name: opts.name, currency: opts.currency, carrierId: opts.carrier ?? null, tenantId: opts.tenant ?? null }));
    out(`deck_id=${d.id}`);
  });

program
  .command('rates:import')
  .description('Replace a deck\'s rows from a CSV file (streamed, all or nothing), with a progress bar')
  .requiredOption('--deck <uuid>')
  .requiredOption('--file <path>')
  .action(async (opts: { deck: string; file: string }) => {
    if (!existsSync(opts.file)) fail(`no such file: ${opts.file}`, 2);
    const bar = new SingleBar({ format: 'importing {bar} {percentage}% | {value}/{total} bytes | {duration}s', stream: process.stderr }, Presets.shades_classic);
    let started = false;
    const result = await withDeps(async (deps, publish) => {
      const r = await cliImportRates(deps, opts.deck, opts.file, (read, total) => {
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(read);
      });
      if (started) bar.stop();
      if (r.ok) await publish([{ entity: 'rate_deck', op: 'updated', id: opts.deck, tenantId: null, fields: ['rows'] }]);
      return r;
    });
    if (result.ok) {
      out(`deck_id=${result.deckId} version_id=${result.versionId} rows=${result.rowCount} import_s=${(result.durationMs / 1000).toFixed(2)}`);
      return;
    }
    if (result.reason === 'deck_not_found') fail(`no rate deck ${opts.deck}`, 2);
    else {
      for (const e of result.errors) process.stderr.write(`line ${e.line}: ${e.message}\n`);
      fail(`${result.errorCount} bad line(s); nothing was applied`, 1);
    }
  });

program
  .command('seed')
  .description('Apply the development seed data in sql/seeds (idempotent)')
  .action(async () => {
    const files = await withDeps((deps) => cliSeed(deps, join(projectRoot(import.meta.url), 'sql', 'seeds')));
    out(`seeded=${files.join(',')}`);
  });

program.parseAsync(process.argv).catch((err: unknown) => fail(`error: ${err instanceof Error ? err.message : String(err)}`, 1));
