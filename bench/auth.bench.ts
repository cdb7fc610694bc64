// bench:auth — call-setup authorization as the switch sees it: HTTP keep-alive request to a rater
// process (billing-rater/main.ts), which checks the tenant, blocked prefixes, the price (in-memory
// index), admits the call against the concurrency limit (Lua) and reads the balance (Redis).
// Open loop at BENCH_RATE/s for BENCH_SECONDS. Last line: `auth_p99_ms=N`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '#lib/clock/index.js';
import { createPool } from '#lib/db/index.js';
import { freePort, projectRoot } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { RATER_API_PATHS, RaterClient } from '#lib/rater-api/index.js';
import { startBenchStack } from '#billing-rater/test/bench-stack.js';
import { seedDeck, seedTenant, topUp } from '#billing-rater/test/support.js';
import { KeepAliveHttpClient } from './support/keep-alive-http-client.js';

const RATE = Number(process.env['BENCH_RATE'] ?? 1_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 30);
const TENANTS = 100;
const log = createLogger({ service: 'bench-auth', level: 'warn' });
const clock = new SystemClock();
const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

const stack = await startBenchStack(process.env, log);
const pool = createPool({ url: stack.pgUrl, log, max: 2 });
const apiPort = await freePort();
const healthPort = await freePort();
// BENCH_CPU_PROF=rater writes a V8 CPU profile of the rater to BENCH_CPU_PROF_DIR (default: tmpdir/bench-prof).
const prof = (process.env['BENCH_CPU_PROF'] ?? '').split(',').includes('rater') ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF_DIR'] ?? join(tmpdir(), 'bench-prof')}`] : [];
const child = spawn(process.execPath, [...prof, '--import', 'tsx', '--conditions=source', 'billing-rater/main.ts'], {
  cwd: projectRoot(import.meta.url),
  env: { PATH: process.env['PATH'] ?? '', PG_URL: stack.pgUrl, REDIS_URL: stack.redisUrl, RATER_HTTP_PORT: String(healthPort), RATER_API_PORT: String(apiPort), RATER_INSTANCE_ID: 'bench-auth', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const client = new RaterClient({ baseUrl: `http://127.0.0.1:${apiPort}`, maxSockets: 32, timeoutMs: 5_000 });
// The measured load goes through a lean keep-alive client so that the bench's own CPU (node:http's
// client, response schema) does not queue in front of the rater on the shared cores.
const lean = new KeepAliveHttpClient({ host: '127.0.0.1', port: apiPort, maxSockets: 32 });
/** One authorization through the lean client: true when allowed; rejects on anything but a valid 200. */
async function authorizeLean(body: object): Promise<boolean> {
  const res = await lean.post(RATER_API_PATHS.authorize, JSON.stringify(body));
  const parsed = JSON.parse(res.body) as { allowed?: unknown };
  if (res.status !== 200 || typeof parsed.allowed !== 'boolean') throw new Error(`authorize answered ${String(res.status)}`);
  return parsed.allowed;
}
/** CPU ms (user + system) the child has used so far, from /proc (Linux). */
function childCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/${String(child.pid)}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}
try {
  // a 10,000-prefix price plan (plus the '49' row the destinations hit most)
  const planId = await seedDeck(pool, 'price', [{ prefix: '49', rateMicrosPerMin: 12_000 }]);
  await pool.query(
    `INSERT INTO rate_deck_rows (version_id, prefix, rate_micros_per_min, initial_increment_sec, subsequent_increment_sec, effective_from, currency)
     SELECT d.current_version_id, (490000 + g)::text, 10000 + g, 60, 60, 'epoch', 'EUR' FROM rate_decks d, generate_series(1, 10000) g WHERE d.id = $1`,
    [planId],
  );
  const tenants: string[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const t = await seedTenant(pool, planId, { maxConcurrentCalls: 1_000_000 });
    await topUp(pool, t, 10_000_000, clock.now());
    tenants.push(t);
  }
  const req = (i: number) => ({ callId: `auth-${i}`, tenantId: tenants[i % TENANTS] ?? '', caller: '+4915112345678', destination: `+49${String(1000 + (i % 9000))}${String(100_000 + i).slice(-6)}`, direction: 'outbound' as const, atMs: clock.now() });
  for (let i = 0; i < 200; i++) {
    try {
      await client.authorize(req(-1 - i));
      break;
    } catch {
      await sleep(100); // the rater is still starting
    }
  }
  for (let i = 0; i < 2_000; i++) await authorizeLean(req(10_000_000 + i)); // warm-up: tenants, deck, connections

  const total = RATE * SECONDS;
  const latencies = new Float64Array(total);
  let sent = 0;
  let done = 0;
  let denied = 0;
  let errors = 0;
  const start = clock.monotonic();
  const benchCpu0 = process.cpuUsage();
  const raterCpu0 = childCpuMs();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((clock.monotonic() - start) / 1000) * RATE));
      while (sent < due) {
        const i = sent++;
        const t0 = clock.monotonic();
        authorizeLean(req(i)).then(
          (allowed) => {
            latencies[i] = clock.monotonic() - t0;
            if (!allowed) denied++;
          },
          () => {
            latencies[i] = clock.monotonic() - t0;
            errors++;
          },
        ).finally(() => {
          if (++done === total) resolve();
        });
      }
      if (sent < total) clock.setTimer(1, tick);
    };
    tick();
  });
  const elapsedS = (clock.monotonic() - start) / 1000;
  const benchCpu = process.cpuUsage(benchCpu0);
  const raterCpuMs = childCpuMs() - raterCpu0;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  process.stdout.write(`bench=auth rate_per_s=${RATE} seconds=${SECONDS} requests=${total} achieved_per_s=${Math.round(total / elapsedS)} denied=${denied} errors=${errors} p50_ms=${q(0.5).toFixed(3)} p90_ms=${q(0.9).toFixed(3)} p999_ms=${q(0.999).toFixed(3)} max_ms=${(sorted[sorted.length - 1] ?? NaN).toFixed(3)} rater_cpu_us_per_auth=${Math.round((raterCpuMs * 1000) / total)} bench_cpu_us_per_auth=${Math.round((benchCpu.user + benchCpu.system) / total)} node=${process.version}\n`);
  // Server-side view (the rater's own histogram): share of authorizations handled within 1 and 2 ms.
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  const bucket = (le: string) => Number(new RegExp(`rater_api_request_duration_seconds_bucket\\{le="${le}",route="authorize"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
  const all = bucket('\\+Inf');
  process.stdout.write(`server_side_within_1ms=${(bucket('0.001') / all).toFixed(4)} server_side_within_2ms=${(bucket('0.002') / all).toFixed(4)} server_side_requests=${all} load1=${(loadavg()[0] ?? NaN).toFixed(2)}\n`);
  process.stdout.write(`auth_p99_ms=${q(0.99).toFixed(3)}\n`);
} finally {
  client.close();
  lean.close();
  child.kill('SIGTERM');
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await pool.end();
  await stack.stop();
}
