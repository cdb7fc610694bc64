// The check-only readers (used by the parser's validation) accept and reject exactly what the
// building parsers do, with the same reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkNameAddr, parseNameAddr } from './header-values.js';
import { getContacts, getFrom, getTo, parseMessage } from './index.js';
import { tagParam } from './tag-param.js';
import { checkUri, parseUri } from './uri.js';

const SAMPLES = [
  'sip:alice@example.com',
  'SIP:Alice:pw@[2001:db8::1]:5080;Transport=TCP;lr?Subject=hi&x=y',
  'sips:192.0.2.1:5061;maddr=239.255.255.1',
  'tel:+4930123456;phone-context=example.com',
  'urn:service:sos',
  'mailto:a@b',
  '"Alice \\"A\\"" <sip:alice@example.com;user=phone>;tag=9fx;expires=60',
  'Bob  Smith <sip:bob@example.com>',
  'sip:bob@example.com;tag=1',
];
/** Characters that matter to the URI and name-addr grammars, plus a few that never may appear. */
const chars = fc.constantFrom(...'sip:tel"<>@;=?&,[]%4F. \t-_!~*\'()+$/\\aZ9é'.split(''));
const mutated = fc.tuple(fc.constantFrom(...SAMPLES), fc.nat(60), fc.array(chars, { maxLength: 3 }).map((a) => a.join(''))).map(
  ([s, at, insert]) => s.slice(0, at % (s.length + 1)) + insert + s.slice((at % (s.length + 1)) + 1),
);
const text = fc.oneof(mutated, fc.array(chars, { maxLength: 24 }).map((a) => a.join('')));

describe('check-only readers', () => {
  it('checkUri agrees with parseUri', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = parseUri(s);
        expect(checkUri(s)).toBe(r.ok ? undefined : r.reason);
      }),
      { numRuns: 3_000 },
    );
    for (const s of SAMPLES.slice(0, 6)) expect(checkUri(s)).toBeUndefined();
  });

  it('checkUri without headers refuses exactly the URIs that have some', () => {
    expect(checkUri('sip:a@example.com?Subject=x', false)).toBe('URI headers not allowed');
    expect(checkUri('sip:a?b@example.com', false)).toBeUndefined();
    fc.assert(
      fc.property(text, (s) => {
        const r = parseUri(s);
        expect(checkUri(s, false) === undefined).toBe(r.ok && r.uri.headers.size === 0);
      }),
      { numRuns: 3_000 },
    );
  });

  it('checkNameAddr agrees with parseNameAddr', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = parseNameAddr(s);
        expect(checkNameAddr(s)).toBe(r.ok ? undefined : r.reason);
      }),
      { numRuns: 3_000 },
    );
    for (const s of SAMPLES.slice(6)) expect(checkNameAddr(s)).toBeUndefined();
  });
});

describe('tagParam', () => {
  it('reads the tag parseNameAddr would find, from any valid value', () => {
    const values = fc.oneof(text, fc.constantFrom('"a;tag=x<>" <sip:b;tag=u@h>;tag=t', 'sip:a@h;tag=t;x', 'A B <sip:a@h> ; TAG = t', '<sip:a@h>;tag', '<sip:a@h>;tag=1;tag=2'));
    let compared = 0;
    fc.assert(
      fc.property(values, (s) => {
        const r = parseNameAddr(s);
        if (!r.ok) return;
        compared++;
        const t = r.value.params.get('tag');
        expect(tagParam(s)).toBe(typeof t === 'string' ? t : undefined);
      }),
      { numRuns: 3_000 },
    );
    expect(compared).toBeGreaterThan(100);
    expect(tagParam('"a;tag=x<>" <sip:b;tag=u@h>;tag=t')).toBe('t');
    expect(tagParam('sip:a@h;tag=t;x')).toBe('t');
    expect(tagParam('<sip:a@h>;tag')).toBeUndefined();
    expect(tagParam('"unterminated <sip:a@h>;tag=1')).toBeUndefined();
  });
});

describe('headers the parser only checks', () => {
  const request = (contact: string): Buffer =>
    Buffer.from(
      [
        'REGISTER sip:example.com SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKreg',
        'From: "A" <sip:a@example.com>;tag=1',
        'To: <sip:a@example.com>',
        'Call-ID: r1',
        'CSeq: 1 REGISTER',
        `Contact: ${contact}`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );

  it('are parsed on first use', () => {
    const r = parseMessage(request('<sip:a@192.0.2.1>;expires=60, "B" <sip:b@192.0.2.2;transport=tcp>'));
    if (!r.ok) throw new Error(r.error.reason);
    expect(getFrom(r.message)?.displayName).toBe('A');
    expect(getTo(r.message)?.params.size).toBe(0);
    const c = getContacts(r.message);
    expect(c?.wildcard === false && c.contacts.map((x) => [x.uri.user, x.params.get('expires')])).toEqual([['a', '60'], ['b', undefined]]);
  });

  it('refuse a Contact expires that is not delta-seconds; the last expires parameter counts', () => {
    for (const bad of ['<sip:a@192.0.2.1>;expires=soon', '<sip:a@192.0.2.1>;expires', '<sip:a@192.0.2.1>, <sip:b@x>;expires=4294967296', '<sip:a@x>;expires=1;EXPIRES=x']) {
      const r = parseMessage(request(bad));
      expect(r.ok ? 'parsed' : r.error.reason).toBe('Malformed Contact header');
    }
    expect(parseMessage(request('<sip:a@x>;expires=x;expires=5')).ok).toBe(true);
    expect(parseMessage(request('*')).ok).toBe(true);
  });
});
