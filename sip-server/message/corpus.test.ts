// Parser corpus: test/fixtures/sip/*.sip. rfc3261-valid-* must parse, rfc3261-invalid-* must be rejected;
// RFC 4475 torture messages follow the table below (RFC 4475 §3.1.1 valid, §3.1.2 invalid, §3.3 parse
// fine but are refused by the application layer).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createErrorResponse, parseMessage, serializeMessage, type SipMessage } from './index.js';

const DIR = new URL('../../test/fixtures/sip/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.sip')).sort();

/** RFC 4475: what the parser must do with each torture message. */
const RFC4475: Record<string, 'valid' | 'invalid'> = {
  // §3.1.1 valid messages
  wsinv: 'valid', intmeth: 'valid', esc01: 'valid', escnull: 'valid', esc02: 'valid', lwsdisp: 'valid', longreq: 'valid',
  dblreq: 'valid', semiuri: 'valid', transports: 'valid', mpart01: 'valid', unreason: 'valid', noreason: 'valid',
  // §3.1.2 invalid messages
  badinv01: 'invalid', clerr: 'invalid', ncl: 'invalid', scalar02: 'invalid', scalarlg: 'invalid', quotbal: 'invalid',
  ltgtruri: 'invalid', lwsruri: 'invalid', lwsstart: 'invalid', trws: 'invalid', escruri: 'invalid', baddate: 'invalid',
  regbadct: 'invalid', badaspec: 'invalid', baddn: 'invalid', badvers: 'invalid', mismatch01: 'invalid',
  mismatch02: 'invalid', bigcode: 'invalid',
  // §3.2 transaction layer: well-formed
  badbranch: 'valid',
  // §3.3 application layer: insuf, multi01, mcl01 are malformed (400); the rest parse and are refused or served above us
  insuf: 'invalid', multi01: 'invalid', mcl01: 'invalid', unkscm: 'valid', novelsc: 'valid', unksm2: 'valid',
  bext01: 'valid', invut: 'valid', regaut01: 'valid', zeromf: 'valid', cparam01: 'valid', cparam02: 'valid',
  regescrt: 'valid', sdp01: 'valid', inv2543: 'valid',
  // §3.4 backward compatibility / §3.5 (bcast: a response naming a broadcast Via, still well-formed)
  bcast: 'valid',
};

function expectation(file: string): 'valid' | 'invalid' {
  if (file.startsWith('rfc3261-valid-')) return 'valid';
  if (file.startsWith('rfc3261-invalid-')) return 'invalid';
  const m = /^rfc4475-(.+)\.sip$/.exec(file);
  const e = m === null ? undefined : RFC4475[m[1] as string];
  if (e === undefined) throw new Error(`no expectation for fixture ${file}`);
  return e;
}

function sameMessage(a: SipMessage, b: SipMessage): void {
  expect([...b.headers.entries()].filter(([k]) => k !== 'content-length')).toEqual([...a.headers.entries()].filter(([k]) => k !== 'content-length'));
  expect(b.body.equals(a.body)).toBe(true);
  if (a.kind === 'request' && b.kind === 'request') expect([b.method, b.uri]).toEqual([a.method, a.uri]);
  if (a.kind === 'response' && b.kind === 'response') expect([b.status, b.reason]).toEqual([a.status, a.reason]);
}

describe('parser corpus', () => {
  it('has every RFC 4475 message and an expectation for each fixture', () => {
    expect(files.filter((f) => f.startsWith('rfc4475-'))).toHaveLength(49);
    for (const f of files) expect(['valid', 'invalid']).toContain(expectation(f));
  });

  it.each(files)('%s', (file) => {
    const buf = readFileSync(new URL(file, DIR));
    const r = parseMessage(buf);
    if (expectation(file) === 'valid') {
      if (!r.ok) throw new Error(`${file} rejected: ${r.error.code} ${r.error.reason}`);
      // Valid messages survive serialize → parse unchanged.
      const again = parseMessage(serializeMessage(r.message));
      expect(again.ok).toBe(true);
      if (again.ok) sameMessage(r.message, again.message);
    } else {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toMatch(/^SIP_PARSE_/);
      expect(r.error.reason.length).toBeGreaterThan(3);
      // A 400 is either buildable (and carries the reason) or the message is dropped.
      const resp = createErrorResponse(r.error);
      if (resp !== undefined) {
        expect(resp.reason).toBe(r.error.reason);
        expect(resp.status).toBeGreaterThanOrEqual(400);
        expect(serializeMessage(resp).toString('latin1')).toMatch(/^SIP\/2\.0 [45]\d\d /);
      }
    }
  });

  it('reads only the first request of a datagram holding two (RFC 4475 §3.1.1.8 dblreq)', () => {
    const r = parseMessage(readFileSync(new URL('rfc4475-dblreq.sip', DIR)));
    expect(r).toMatchObject({ ok: true, message: { kind: 'request', method: 'REGISTER' } });
  });

  it('answers a bad version with 505 (RFC 4475 §3.1.2.16 badvers)', () => {
    const r = parseMessage(readFileSync(new URL('rfc4475-badvers.sip', DIR)));
    expect(r).toMatchObject({ ok: false, error: { code: 'SIP_PARSE_BAD_VERSION', sipStatus: 505 } });
    if (!r.ok) expect(createErrorResponse(r.error)?.status).toBe(505);
  });

  it('answers an overlarge CSeq with 400, echoing the CSeq (RFC 4475 §3.1.2.4 scalar02)', () => {
    const r = parseMessage(readFileSync(new URL('rfc4475-scalar02.sip', DIR)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const resp = createErrorResponse(r.error);
      expect(resp).toMatchObject({ status: 400, reason: 'Malformed CSeq header' });
      expect(resp?.headers.get('cseq')).toBe('36893488147419103232 REGISTER');
    }
  });

  it('answers a request-line error with 400 and its reason (RFC 4475 §3.1.2.9 lwsstart)', () => {
    const r = parseMessage(readFileSync(new URL('rfc4475-lwsstart.sip', DIR)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(createErrorResponse(r.error)).toMatchObject({ status: 400, reason: 'Malformed Request-Line' });
  });
});
