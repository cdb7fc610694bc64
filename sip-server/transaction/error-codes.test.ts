// docs/sip-server.md (## transaction) lists exactly the codes in error-codes.ts (the fastify practice).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIP_TRANSACTION_ERROR_CODES } from './error-codes.js';

describe('transaction error codes', () => {
  it('match the table in docs/sip-server.md', () => {
    const doc = readFileSync(new URL('../../docs/sip-server.md', import.meta.url), 'utf8');
    const start = doc.indexOf('## transaction\n');
    expect(start).toBeGreaterThanOrEqual(0);
    const section = doc.slice(start);
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(SIP_TRANSACTION_ERROR_CODES).sort());
  });
});
