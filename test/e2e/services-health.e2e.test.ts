import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '#lib/config/index.js';
import { freePort, projectRoot } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { EXIT_CONFIG, type ServiceRuntime } from '#lib/runtime/index.js';
import { raterConfigSchema } from '#billing-rater/config.js';
import { startRaterService } from '#billing-rater/service.js';
import { apiConfigSchema } from '#control-api/config.js';
import { startApiService } from '#control-api/service.js';
import { sipServerConfigSchema } from '#sip-server/config.js';
import { startSipServerService } from '#sip-server/service.js';
import { switchConfigSchema } from '#switch/config.js';
import { startSwitchService } from '#switch/service.js';
import { workersConfigSchema } from '#workers/config.js';
import { startWorkersService } from '#workers/service.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';

const root = projectRoot(import.meta.url);
const log = createLogger({ service: 'e2e', level: 'silent' });

describe('every long-running service answers /health and /metrics', () => {
  let db: TestDatabase;
  const running: { name: string; prefix: string; runtime: ServiceRuntime }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const run = randomUUID();
    const env: Record<string, string> = {
      PG_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      RTPENGINE_NG: inject('rtpengineNg'),
      SIPSRV_SECRET: 'e2e-secret-0123456789',
      SIPSRV_HTTP_PORT: '0',
      SIPSRV_ADMIN_PORT: '0',
      SIPSRV_CONTACTS: `sip:127.0.0.1:${await freePort()};transport=udp,tcp`,
      SWITCH_HTTP_PORT: '0',
      SWITCH_NONCE_SECRET: 'e2e-nonce-secret-0123456789',
      RATER_HTTP_PORT: '0',
      RATER_API_PORT: '0',
      RATER_REDIS_PREFIX: `e2e:${run}:`,
      API_HTTP_PORT: '0',
      API_TOKEN_SECRET: 'e2e-api-token-secret-0123456789',
      WORKERS_HTTP_PORT: '0',
      WORKERS_QUEUE_PREFIX: `e2e-${run}`,
    };
    const sip = await startSipServerService(loadConfig(sipServerConfigSchema, { env, files: [] }), log);
    running.push({ name: 'sip-server', prefix: 'sipsrv', runtime: sip });
    const rater = await startRaterService(loadConfig(raterConfigSchema, { env, files: [] }), log);
    running.push({ name: 'billing-rater', prefix: 'rater', runtime: rater });
    env['SWITCH_DRACHTIO_PORT'] = String(sip.sip.adminPort);
    env['SWITCH_DRACHTIO_SECRET'] = env['SIPSRV_SECRET'] ?? '';
    env['RATER_API_URL'] = `http://127.0.0.1:${rater.api.port}`;
    running.push({ name: 'switch', prefix: 'switch', runtime: await startSwitchService(loadConfig(switchConfigSchema, { env, files: [] }), log) });
    running.push({ name: 'control-api', prefix: 'api', runtime: await startApiService(loadConfig(apiConfigSchema, { env, files: [] }), log) });
    running.push({ name: 'workers', prefix: 'jobs', runtime: await startWorkersService(loadConfig(workersConfigSchema, { env, files: [] }), log) });
  });

  afterAll(async () => {
    for (const r of running.reverse()) await r.runtime.shutdown.run('test over');
    await db.drop();
  });

  it('reports every dependency healthy and exposes prefixed metrics', async () => {
    expect(running).toHaveLength(5);
    for (const { name, prefix, runtime } of running) {
      // The switch reports healthy once its drachtio connection is up, which happens in the background.
      for (let i = 0; i < 50 && !(await fetch(`http://127.0.0.1:${runtime.health.port}/health`)).ok; i++) await new Promise((r) => setTimeout(r, 100));
      const health = await fetch(`http://127.0.0.1:${runtime.health.port}/health`);
      const body = (await health.json()) as { service: string; status: string; checks: Record<string, string> };
      expect({ name, status: health.status, body: body.status }).toEqual({ name, status: 200, body: 'ok' });
      expect(body.service).toBe(name);
      expect(Object.values(body.checks).every((c) => c === 'ok')).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${runtime.health.port}/metrics`)).text();
      expect(metrics).toContain(`${prefix}_process_cpu_user_seconds_total`);
    }
  });

  it('the switch reports 503 naming rtpengine when rtpengine is unreachable', async () => {
    const env = {
      PG_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      RTPENGINE_NG: '127.0.0.1:9',
      SWITCH_HTTP_PORT: '0',
      SWITCH_DRACHTIO_PORT: '9',
      SWITCH_DRACHTIO_SECRET: 'e2e-secret-0123456789',
      SWITCH_NONCE_SECRET: 'e2e-nonce-secret-0123456789',
    };
    const runtime = await startSwitchService(loadConfig(switchConfigSchema, { env, files: [] }), log);
    try {
      const res = await fetch(`http://127.0.0.1:${runtime.health.port}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks['rtpengine']).not.toBe('ok');
      expect(body.checks['redis']).toBe('ok');
    } finally {
      await runtime.shutdown.run('test over');
    }
  });
});

describe('service entry points', () => {
  function runMainOf(folder: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, folder, 'main.ts')], {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  it('refuses to start without a secret, naming the key', async () => {
    const r = await runMainOf('sip-server', {});
    expect(r.code).toBe(EXIT_CONFIG);
    expect(r.stderr).toContain('SIPSRV_SECRET');
  });

  it('refuses a bad port, naming the key and the value', async () => {
    const r = await runMainOf('switch', { SWITCH_HTTP_PORT: '70000' });
    expect(r.code).toBe(EXIT_CONFIG);
    expect(r.stderr).toContain('SWITCH_HTTP_PORT="70000"');
  });

  it('stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'sip-server', 'main.ts')], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        SIPSRV_SECRET: 'e2e-secret-0123456789',
        SIPSRV_HTTP_PORT: '0',
        SIPSRV_ADMIN_PORT: '0',
        SIPSRV_CONTACTS: `sip:127.0.0.1:${await freePort()};transport=udp,tcp`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('service did not start')), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('health and metrics listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out).toContain('shut down');
  });
});
