import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { HealthCheck } from '#lib/runtime/index.js';
import type { Clock } from '#lib/clock/index.js';

const CHECK_TIMEOUT_MS = 2_000;

/** GET /health (JSON, 200 or 503 naming failing checks) and GET /metrics, as the foundation's health server serves them. */
export function mountHealth(app: Express, options: { service: string; registry: Registry; checks: readonly HealthCheck[]; clock: Clock }): void {
  app.get('/metrics', async (_req, res) => {
    const text = await options.registry.metrics();
    res.status(200).type(options.registry.contentType).send(text);
  });
  app.get('/health', async (_req, res) => {
    const entries = await Promise.all(
      options.checks.map(async ({ name, check }) => {
        let timer: ReturnType<Clock['setTimer']> | undefined;
        try {
          await Promise.race([
            check(),
            new Promise<never>((_, reject) => {
              // Bounded so that a hung dependency reports as unhealthy instead of hanging /health.
              timer = options.clock.setTimer(CHECK_TIMEOUT_MS, () => reject(new Error('timed out')));
            }),
          ]);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, (err as Error).message || 'failed'] as const;
        } finally {
          options.clock.clearTimer(timer);
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ok = Object.values(checks).every((r) => r === 'ok');
    res.status(ok ? 200 : 503).json({ service: options.service, status: ok ? 'ok' : 'unavailable', checks });
  });
}
