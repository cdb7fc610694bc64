// docs/sip-server.md (## proxy error codes) lists exactly the codes of proxy/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROXY_ERROR_CODES } from './error-codes.js';

describe('proxy error codes', () => {
  it('match the table in docs/sip-server.md', () => {
    const doc = readFileSync(new URL('../../docs/sip-server.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## proxy error codes\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = doc.indexOf('\n## ', start + 1);
    const section = doc.slice(start, end === -1 ? undefined : end);
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(PROXY_ERROR_CODES).sort());
  });
});
