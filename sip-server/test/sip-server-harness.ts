// Starts the real sip-server service on free loopback ports for integration tests.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '#lib/config/index.js';
import { freePort } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import type { UaCore } from '#sip-server/core/index.js';
import { sipServerConfigSchema } from '#sip-server/config.js';
import { startSipServerService, type SipServerService } from '#sip-server/service.js';

export type TestSipServer = {
  service: SipServerService;
  core: UaCore;
  admin: { host: string; port: number; secret: string };
  sipPort: number;
  /** host:port for sipp. */
  sipTarget: string;
  stop(): Promise<void>;
};

/** A sip-server listening on UDP and TCP on one free port, admin on another. */
export async function startTestSipServer(env: Record<string, string> = {}): Promise<TestSipServer> {
  const sipPort = await freePort();
  const secret = randomBytes(16).toString('hex');
  const config = loadConfig(sipServerConfigSchema, {
    env: {
      SIPSRV_CONTACTS: `sip:127.0.0.1:${sipPort};transport=udp,tcp`,
      SIPSRV_ADMIN_PORT: '0',
      SIPSRV_HTTP_PORT: '0',
      SIPSRV_SECRET: secret,
      LOG_LEVEL: process.env['SIPSRV_TEST_LOG_LEVEL'] ?? 'warn',
      ...env,
    },
  });
  const service = await startSipServerService(config, createLogger({ service: 'sip-server', level: config.LOG_LEVEL }));
  return {
    service,
    core: service.sip.core,
    admin: { host: '127.0.0.1', port: service.sip.adminPort, secret },
    sipPort,
    sipTarget: `127.0.0.1:${sipPort}`,
    stop: () => service.shutdown.run('test done'),
  };
}
