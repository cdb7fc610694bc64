import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FORBIDDEN_LABELS, METRIC_NAME } from '#lib/metrics/index.js';
import { RATER_ERROR_CODES } from './error-codes.js';
import { createRaterMetrics } from './metrics.js';

const doc = readFileSync(new URL('../docs/billing.md', import.meta.url), 'utf8');

function section(title: string): string {
  const start = doc.indexOf(`## ${title}`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe('docs/billing.md stays true to the code', () => {
  it('lists exactly the rater error codes', () => {
    const documented = [...section('Error codes').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(RATER_ERROR_CODES).sort());
  });

  it('lists every rater metric, and every metric follows the naming rules', async () => {
    const registry = new Registry();
    createRaterMetrics(registry);
    const metrics = await registry.getMetricsAsJSON();
    const documented = [...section('Metrics').matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(metrics.map((m) => m.name).sort());
    for (const m of metrics) {
      expect(m.name).toMatch(METRIC_NAME);
      expect(m.name.startsWith('rater_')).toBe(true);
      if (String(m.type) === 'counter') expect(m.name.endsWith('_total')).toBe(true);
    }
    const labels = metrics.flatMap((m) => (m as unknown as { values: { labels: Record<string, unknown> }[] }).values.flatMap((v) => Object.keys(v.labels)));
    for (const l of labels) expect(FORBIDDEN_LABELS.has(l)).toBe(false);
  });
});
