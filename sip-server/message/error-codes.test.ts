// docs/sip-server.md (## message) lists exactly the codes in error-codes.ts (the fastify practice).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIP_MESSAGE_ERROR_CODES } from './error-codes.js';

describe('message error codes', () => {
  it('match the table in docs/sip-server.md', () => {
    const doc = readFileSync(new URL('../../docs/sip-server.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## message\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = doc.indexOf('## transport\n', start);
    const section = end === -1 ? doc.slice(start) : doc.slice(start, end);
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(SIP_MESSAGE_ERROR_CODES).sort());
  });
});
