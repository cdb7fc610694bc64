// The whole call path as separate processes for benchmarks: PostgreSQL, Redis and rtpengine from
// lib/local-stack on free ports, the schema migrated and seeded (one tenant with a large balance
// and no practical limits, two carriers on 127.0.0.2/.3), then sip-server, billing-rater and
// switch each started from its main.ts.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, migrate } from '#lib/db/index.js';
import { freePort, projectRoot, startInfrastructure, startRtpengine, type Infrastructure, type LocalRtpengine } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { seedDeck, topUp } from '#billing-rater/test/support.js';
import { seedSwitchFixture, type SwitchFixture } from '#switch/test/fixtures.js';
import { startNode } from './processes.js';

export type SwitchBenchStack = {
  infra: Infrastructure;
  fx: SwitchFixture;
  sipTarget: string;
  gatewayPorts: [number, number];
  switchHttpPort: number;
  pids: { sip_server: number | undefined; switch: number | undefined; rater: number | undefined };
  stop(): Promise<void>;
};

export type SwitchBenchOptions = {
  /** RTP ports of the first rtpengine (4 per call). */
  rtpPorts: number;
  /** More rtpengine nodes, each on its own loopback address (127.0.0.11, .12, …) with 17,000 ports. */
  extraRtpengines?: number;
  /** Seconds without media before rtpengine drops a call (signalling-only benchmarks hold calls long). */
  rtpTimeoutSec?: number;
};

export async function startSwitchBenchStack(options: SwitchBenchOptions): Promise<SwitchBenchStack> {
  const log = createLogger({ service: 'bench', level: 'warn' });
  const root = projectRoot(import.meta.url);
  const dataRoot = mkdtempSync(join(tmpdir(), 'switch-bench-'));
  chmodSync(dataRoot, 0o711);
  const rtpMin = 34_000;
  const infra = await startInfrastructure({
    dataRoot,
    ports: { postgres: await freePort(), redis: await freePort(), rtpengineNg: await freePort(), rtpMin, rtpMax: rtpMin + options.rtpPorts - 1 },
    log,
    ephemeral: true,
    ...(options.rtpTimeoutSec === undefined ? {} : { rtpTimeoutSec: options.rtpTimeoutSec }),
  });
  const extra: LocalRtpengine[] = [];
  for (let i = 0; i < (options.extraRtpengines ?? 0); i++) {
    extra.push(
      await startRtpengine({
        ngPort: await freePort(),
        portMin: 20_000,
        portMax: 36_999,
        address: `127.0.0.${11 + i}`,
        timeoutSec: options.rtpTimeoutSec ?? 60,
        logDir: join(dataRoot, 'logs', `rtpengine-${i + 1}`),
        log,
      }),
    );
  }
  const rtpengineNodes = [infra.rtpengineNg, ...extra.map((r) => `${r.host}:${r.ngPort}`)].join(',');
  const pool = createPool({ url: infra.postgres.url, log, max: 2 });
  await migrate(pool, join(root, 'sql', 'migrations'), log);
  const gatewayPorts: [number, number] = [await freePort(), await freePort()];
  const now = Date.now();
  const fx = await seedSwitchFixture(pool, now, { gatewayPorts, tenant: { maxConcurrentCalls: 1_000_000, maxCps: 100_000 } });
  await pool.query('UPDATE gateways SET max_concurrent_calls = 1000000, max_cps = 100000');
  const planId = await seedDeck(pool, 'price', [{ prefix: '44', rateMicrosPerMin: 20_000 }]);
  await pool.query('UPDATE tenants SET price_plan_id = $1 WHERE id = $2', [planId, fx.tenantId]);
  await seedDeck(pool, 'cost', [{ prefix: '44', rateMicrosPerMin: 9_000 }], fx.carrierA);
  await seedDeck(pool, 'cost', [{ prefix: '44', rateMicrosPerMin: 12_000 }], fx.carrierB);
  await topUp(pool, fx.tenantId, 1_000_000_000, now - 1_000);
  await pool.end();

  const secret = randomBytes(16).toString('hex');
  const sipPort = await freePort();
  const adminPort = await freePort();
  const raterApiPort = await freePort();
  const switchHttpPort = await freePort();
  const base = { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', PG_URL: infra.postgres.url, REDIS_URL: infra.redis.url, RTPENGINE_NG: rtpengineNodes };
  const children: ChildProcess[] = [];
  // BENCH_CPU_PROF=switch,sip-server,rater writes V8 CPU profiles of those processes to BENCH_CPU_PROF_DIR.
  const profiled = new Set((process.env['BENCH_CPU_PROF'] ?? '').split(',').filter(Boolean));
  const prof = (name: string): string[] => (profiled.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF_DIR'] ?? join(tmpdir(), 'bench-prof')}`] : []);
  const sip = await startNode(
    'sip-server/main.ts',
    ['--contact', `sip:127.0.0.1:${sipPort};transport=udp,tcp`, '--port', String(adminPort), '--secret', secret, '--http-port', String(await freePort())],
    /health and metrics listening|"level":30|sip-server listening/,
    // sipp callers and carriers send hundreds of requests per second from loopback: exempt them from the rate limit.
    { ...base, LOG_LEVEL: 'info', SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.0/8' },
    prof('sip-server'),
  );
  children.push(sip);
  const rater = await startNode('billing-rater/main.ts', [], /rater API listening/, {
    ...base,
    LOG_LEVEL: 'info',
    RATER_HTTP_PORT: String(await freePort()),
    RATER_API_PORT: String(raterApiPort),
  }, prof('rater'));
  children.push(rater);
  const sw = await startNode('switch/main.ts', [], /connected to the drachtio server/, {
    ...base,
    LOG_LEVEL: 'info',
    SWITCH_HTTP_PORT: String(switchHttpPort),
    SWITCH_DRACHTIO_PORT: String(adminPort),
    SWITCH_DRACHTIO_SECRET: secret,
    SWITCH_NONCE_SECRET: randomBytes(16).toString('hex'),
    SWITCH_DIGEST_ALGORITHMS: 'MD5',
    SWITCH_MEDIA_ADDRESS: '127.0.0.1',
    RATER_API_URL: `http://127.0.0.1:${raterApiPort}`,
  }, prof('switch'));
  children.push(sw);
  return {
    infra,
    fx,
    sipTarget: `127.0.0.1:${sipPort}`,
    gatewayPorts,
    switchHttpPort,
    pids: { sip_server: sip.pid, switch: sw.pid, rater: rater.pid },
    stop: async () => {
      for (const c of children.reverse()) {
        c.kill('SIGTERM');
        await new Promise((r) => c.once('exit', r));
      }
      await Promise.all(extra.map((r) => r.stop()));
      await infra.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}
