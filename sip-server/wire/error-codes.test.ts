// docs/sip-server.md (## wire and dialog error codes) lists exactly the codes of wire/ and dialog/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIALOG_ERROR_CODES } from '#sip-server/dialog/index.js';
import { WIRE_ERROR_CODES } from './error-codes.js';

describe('wire and dialog error codes', () => {
  it('match the table in docs/sip-server.md', () => {
    const doc = readFileSync(new URL('../../docs/sip-server.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## wire and dialog error codes\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual([...Object.values(WIRE_ERROR_CODES), ...Object.values(DIALOG_ERROR_CODES)].sort());
  });
});
