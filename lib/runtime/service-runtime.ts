import type { Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import { createRegistry } from '../metrics/index.js';
import { startHealthServer, type HealthCheck, type HealthServer } from './health-server.js';
import { Shutdown } from './shutdown.js';

export type ServiceRuntimeOptions = {
  service: string;
  /** One-word metric prefix of the service (sipsrv, switch, media, rater, api, jobs). */
  metricsPrefix: string;
  httpHost: string;
  httpPort: number;
  log: Logger;
  checks?: readonly HealthCheck[];
};

/** What every long-running service has: a registry, /metrics and /health, and ordered shutdown. */
export type ServiceRuntime = {
  readonly registry: Registry;
  readonly health: HealthServer;
  readonly shutdown: Shutdown;
  readonly log: Logger;
  /** Adds a health check after start (e.g. once a dependency is built). */
  addCheck(check: HealthCheck): void;
};

export async function createServiceRuntime(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
  const registry = createRegistry(options.metricsPrefix);
  const shutdown = new Shutdown(options.log);
  const checks: HealthCheck[] = [...(options.checks ?? [])];
  const health = await startHealthServer({
    service: options.service,
    host: options.httpHost,
    port: options.httpPort,
    registry,
    checks,
    log: options.log,
  });
  shutdown.add('health server', () => health.close());
  options.log.info({ port: health.port, host: options.httpHost }, 'health and metrics listening');
  return { registry, health, shutdown, log: options.log, addCheck: (c) => checks.push(c) };
}
