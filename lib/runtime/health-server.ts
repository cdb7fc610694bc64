import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/index.js';

/** A named check reported by /health; it throws or rejects when the dependency is unwell. */
export type HealthCheck = { name: string; check: () => Promise<void> };

export type HealthServerOptions = {
  service: string;
  host: string;
  port: number;
  registry: Registry;
  checks: readonly HealthCheck[];
  log: Logger;
};

export type HealthServer = { readonly port: number; close(): Promise<void> };

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Serves GET /metrics (Prometheus text) and GET /health (JSON; 200 when every check
 * passes, 503 naming the failing ones) for a long-running service.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text))
        .catch((err: unknown) => {
          options.log.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        });
      return;
    }
    if (path === '/health') {
      runChecks(options.checks)
        .then((result) => {
          const ok = Object.values(result).every((r) => r === 'ok');
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ service: options.service, status: ok ? 'ok' : 'unavailable', checks: result }));
        })
        .catch((err: unknown) => {
          options.log.error({ err }, 'health check failed unexpectedly');
          res.writeHead(500).end();
        });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function runChecks(checks: readonly HealthCheck[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise<never>((_, reject) => {
            // Bounded so that a hung dependency reports as unhealthy instead of hanging /health.
            timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, (err as Error).message || 'failed'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}
