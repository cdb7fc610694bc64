import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createApiMetrics } from '../metrics.js';
import { API_ERROR_CODES } from './error-codes.js';

const doc = readFileSync(new URL('../../docs/control-api.md', import.meta.url), 'utf8');

describe('docs/control-api.md', () => {
  it('lists every error code with its HTTP status', () => {
    for (const [code, status] of Object.entries(API_ERROR_CODES)) expect(doc, code).toContain(`| \`${code}\` | ${status} |`);
  });

  it('lists every metric, and every metric follows the naming rules', async () => {
    const registry = new Registry();
    createApiMetrics(registry);
    for (const m of await registry.getMetricsAsJSON()) {
      expect(doc, m.name).toContain(`\`${m.name}\``);
      expect(m.name).toMatch(/^api_[a-z0-9_]+$/);
      if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
    }
  });
});
