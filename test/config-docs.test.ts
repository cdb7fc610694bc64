// Every configuration key of every service is documented in docs/configuration.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#lib/local-stack/index.js';
import { raterConfigSchema } from '#billing-rater/config.js';
import { apiConfigSchema } from '#control-api/config.js';
import { sipServerConfigSchema } from '#sip-server/config.js';
import { switchConfigSchema } from '#switch/config.js';
import { workersConfigSchema } from '#workers/config.js';

const SCHEMAS = { 'sip-server': sipServerConfigSchema, switch: switchConfigSchema, 'billing-rater': raterConfigSchema, 'control-api': apiConfigSchema, workers: workersConfigSchema };

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(projectRoot(import.meta.url), 'docs', 'configuration.md'), 'utf8');
  it.each(Object.entries(SCHEMAS))('lists every key of %s', (_service, schema) => {
    const missing = Object.keys(schema.shape).filter((key) => !doc.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });
});
