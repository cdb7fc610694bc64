// The workers' retention counter is in docs/metrics.md, well named, with a bounded label whose
// values are the rules the docs list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#lib/local-stack/index.js';
import { FORBIDDEN_LABELS, METRIC_NAME } from '#lib/metrics/index.js';
import { createRetentionMetrics } from './retention-jobs.js';

describe('retention metrics', () => {
  it('are in docs/metrics.md, well named, with bounded labels', async () => {
    const registry = new Registry();
    createRetentionMetrics(registry);
    const doc = readFileSync(join(projectRoot(import.meta.url), 'docs', 'metrics.md'), 'utf8');
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.map((m) => m.name)).toEqual(['jobs_retention_deleted_total']);
    for (const m of metrics) {
      expect(m.name).toMatch(METRIC_NAME);
      expect(doc).toContain(`\`${m.name}\``);
      const labels = (registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? [];
      for (const l of labels) expect(FORBIDDEN_LABELS.has(l)).toBe(false);
    }
    for (const rule of ['recordings', 'diagnostic_recordings', 'cdrs', 'sms', 'sms_bodies', 'billing', 'workspaces', 'technical_logs']) expect(doc).toContain(`\`${rule}\``);
  });
});
