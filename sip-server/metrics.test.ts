// Every sip-server metric follows the naming rules (CONVENTIONS §3 "Metrics") and is listed in
// docs/sip-server.md's metrics table, so the catalogue and the code cannot drift apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#lib/local-stack/index.js';
import { SIPSRV_COUNTERS, SIPSRV_METRICS } from './metrics.js';

describe('sip-server metrics catalogue', () => {
  const doc = readFileSync(join(projectRoot(import.meta.url), 'docs', 'sip-server.md'), 'utf8');
  const gauges = Object.keys(SIPSRV_METRICS);
  const counters = Object.keys(SIPSRV_COUNTERS);

  it('names are sipsrv_ snake_case; counters end in _total and gauges do not', () => {
    for (const name of [...gauges, ...counters]) expect(name).toMatch(/^sipsrv_[a-z][a-z0-9_]*$/);
    expect(counters.filter((n) => !n.endsWith('_total'))).toEqual([]);
    expect(gauges.filter((n) => n.endsWith('_total'))).toEqual([]);
  });

  it('lists every metric in docs/sip-server.md', () => {
    expect([...gauges, ...counters].filter((n) => !doc.includes(`| \`${n}\` |`))).toEqual([]);
  });
});
