// Every metric the switch registers (its own and media's) is listed in docs/metrics.md, follows the
// naming rules, and uses no unbounded label — the catalogue cannot drift from the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { projectRoot } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { FORBIDDEN_LABELS, METRIC_NAME } from '#lib/metrics/index.js';
import { RtpenginePool } from '#media/index.js';
import { createTestRedis } from '#test/support/redis.js';
import { CallLimiter } from '#switch/limits/call-limiter.js';
import { createSwitchMetrics } from '#switch/metrics.js';
import { createSmsMetrics } from '#switch/sms/sms-metrics.js';

describe('switch and media metrics', () => {
  it('are all in docs/metrics.md, well named, with bounded labels', async () => {
    const registry = new Registry();
    const clock = new SimulatedClock();
    createSwitchMetrics(registry);
    createSmsMetrics(registry);
    const env = await createTestRedis();
    const pool = new RtpenginePool({ targets: ['127.0.0.1:9'], clock, log: createLogger({ service: 't', level: 'silent' }), registry });
    try {
      new CallLimiter({ redis: env.redis, clock, registry });
      // The registrar's counter is created with its handler; name it here as the handler does.
      const doc = readFileSync(join(projectRoot(import.meta.url), 'docs', 'metrics.md'), 'utf8');
      const metrics = await registry.getMetricsAsJSON();
      expect(metrics.length).toBeGreaterThan(10);
      for (const m of metrics) {
        expect(m.name, m.name).toMatch(METRIC_NAME);
        expect(doc, `docs/metrics.md lacks ${m.name}`).toContain(`\`${m.name}\``);
        if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
        const labels = (registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? [];
        for (const l of labels) expect(FORBIDDEN_LABELS.has(l), `${m.name} has label ${l}`).toBe(false);
      }
      expect(doc).toContain('`switch_registrations_total`');
    } finally {
      pool.close();
      await env.cleanup();
    }
  });
});
