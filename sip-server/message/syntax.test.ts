import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCallId } from './syntax.js';

/** Reference: Call-ID = word [ "@" word ], word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}") (RFC 3261 §25.1). */
function reference(s: string): boolean {
  const word = "A-Za-z0-9.!%*_+`'~()<>:\\\\\"/\\[\\]?{}-";
  const parts = s.split('@');
  if (parts.length > 2) return false;
  return parts.every((p) => p.length > 0 && new RegExp(`^[${word}]+$`).test(p));
}

describe('isCallId', () => {
  it('agrees with the RFC 3261 grammar', () => {
    const chars = fc.constantFrom(...'aZ09-.!%*_+`\'~()<>:\\"/[]?{}@ ;,#é\t'.split(''));
    fc.assert(fc.property(fc.array(chars, { maxLength: 12 }).map((a) => a.join('')), (s) => {
        expect(isCallId(s)).toBe(reference(s));
      }),
      { numRuns: 2_000 },
    );
    expect(isCallId('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{')).toBe(true);
    expect(isCallId('a@b@c')).toBe(false);
  });
});
