// vitest globalSetup: starts project-local PostgreSQL, Redis and rtpengine on free ports with the
// same code as `npm run up` (lib/local-stack), unless TEST_PG_URL / TEST_REDIS_URL / TEST_RTPENGINE_NG
// point at running ones. Migrates a template database once; each test file clones it (test/support/db.ts).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPool, migrate } from '#lib/db/index.js';
import { createLogger } from '#lib/log/index.js';
import { freePort, projectRoot, startInfrastructure, type Infrastructure } from '#lib/local-stack/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the migrated template database (clone it, never write to it). */
    pgTemplateUrl: string;
    redisUrl: string;
    /** host:port of rtpengine's ng socket. */
    rtpengineNg: string;
    /** Folder rtpengine writes pcap recordings into. */
    recordingSpoolDir: string;
  }
}

const TEMPLATE_DB = 'softswitch_template';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = projectRoot(import.meta.url);
  const log = createLogger({ service: 'test-setup', level: 'warn' });
  const dataRoot = mkdtempSync(join(tmpdir(), 'softswitch-test-'));
  chmodSync(dataRoot, 0o711); // PostgreSQL runs as `postgres` under root and must reach its folder
  let infra: Infrastructure | undefined;
  const env = process.env;
  let pgTemplateUrl: string;
  let redisUrl: string;
  let rtpengineNg: string;
  if (env['TEST_PG_URL'] && env['TEST_REDIS_URL'] && env['TEST_RTPENGINE_NG']) {
    pgTemplateUrl = env['TEST_PG_URL'];
    redisUrl = env['TEST_REDIS_URL'];
    rtpengineNg = env['TEST_RTPENGINE_NG'];
  } else {
    // A random 2,000-port RTP block above the dev stack's 30000-31999, so runs side by side do not collide.
    const rtpMin = 32_000 + Math.floor(Math.random() * 14) * 2_000;
    infra = await startInfrastructure({
      dataRoot,
      ports: { postgres: await freePort(), redis: await freePort(), rtpengineNg: await freePort(), rtpMin, rtpMax: rtpMin + 1_999 },
      log,
      ephemeral: true,
      database: TEMPLATE_DB,
    });
    pgTemplateUrl = infra.postgres.url;
    redisUrl = infra.redis.url;
    rtpengineNg = infra.rtpengineNg;
  }
  const pool = createPool({ url: pgTemplateUrl, log, max: 1 });
  try {
    await migrate(pool, join(root, 'sql', 'migrations'), log);
  } finally {
    await pool.end();
  }
  project.provide('pgTemplateUrl', pgTemplateUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('rtpengineNg', rtpengineNg);
  project.provide('recordingSpoolDir', join(dataRoot, 'recordings', 'spool'));
  return async () => {
    await infra?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  };
}
