// fast-check properties of the message layer: round-trip of generated messages, no throw on
// arbitrary bytes, and stream framing independent of how the bytes are chunked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage, SipHeaders, SipStreamFramer, type SipMessage } from './index.js';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`\'~'.split(''));
const word = (min: number, max: number) => fc.array(alnum, { minLength: min, maxLength: max }).map((a) => a.join(''));
const token = fc.array(tokenChar, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const host = fc.oneof(
  fc.array(word(1, 8), { minLength: 1, maxLength: 3 }).map((l) => `${l.join('.')}.example`),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
  fc.constant('[2001:db8::1]'),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const uriParams = fc.array(fc.tuple(word(1, 6).map((s) => s.toLowerCase()), fc.option(word(1, 6), { nil: null })), { maxLength: 3 });
const uri = fc
  .record({ scheme: fc.constantFrom('sip', 'sips'), user: fc.option(word(1, 10), { nil: undefined }), host, port, params: uriParams })
  .map((u) => {
    let s = `${u.scheme}:${u.user === undefined ? '' : `${u.user}@`}${u.host}${u.port === undefined ? '' : `:${u.port}`}`;
    const seen = new Set<string>();
    for (const [k, v] of u.params) {
      if (seen.has(k)) continue;
      seen.add(k);
      s += v === null ? `;${k}` : `;${k}=${v}`;
    }
    return s;
  });
const displayName = fc.option(fc.oneof(word(1, 10), fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/[\\"\x00-\x1f\x7f]/g, '')}"`)), { nil: undefined });
const nameAddr = fc.tuple(displayName, uri, fc.option(word(1, 10), { nil: undefined })).map(
  ([dn, u, tag]) => `${dn === undefined ? '' : `${dn} `}<${u}>${tag === undefined ? '' : `;tag=${tag}`}`,
);
const via = fc
  .tuple(fc.constantFrom('UDP', 'TCP', 'TLS', 'WS'), host, port, word(4, 12), fc.boolean())
  .map(([t, h, p, b, r]) => `SIP/2.0/${t} ${h}${p === undefined ? '' : `:${p}`};branch=z9hG4bK${b}${r ? ';rport' : ''}`);
const extValue = fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.replace(/[\x00-\x1f\x7f]/g, 'x').trim()).filter((s) => s.length > 0);
const extHeader = fc.tuple(word(1, 10).map((w) => `X-${w}`), extValue);
const method = fc.oneof(fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'MESSAGE'), token);

const message: fc.Arbitrary<SipMessage> = fc
  .record({
    request: fc.boolean(),
    method,
    ruri: uri,
    status: fc.integer({ min: 100, max: 699 }),
    reason: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\x00-\x1f\x7f]/g, '').trim()),
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    callId: fc.tuple(word(1, 16), fc.option(host, { nil: undefined })).map(([a, h]) => (h === undefined ? a : `${a}@${h.replace(/[[\]]/g, '')}`)),
    seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    contact: fc.option(nameAddr, { nil: undefined }),
    ext: fc.array(extHeader, { maxLength: 4 }),
    body: fc.uint8Array({ maxLength: 200 }),
  })
  .map((r): SipMessage => {
    const h = new SipHeaders();
    for (const v of r.vias) h.add('Via', v);
    h.add('Max-Forwards', '70');
    h.add('From', r.from);
    h.add('To', r.to);
    h.add('Call-ID', r.callId);
    h.add('CSeq', `${r.seq} ${r.method}`);
    if (r.contact !== undefined) h.add('Contact', r.contact);
    for (const [k, v] of r.ext) h.add(k, v);
    const body = Buffer.from(r.body);
    h.add('Content-Length', String(body.length));
    return r.request
      ? { kind: 'request', method: r.method, uri: r.ruri, headers: h, body }
      : { kind: 'response', status: r.status, reason: r.reason, headers: h, body };
  });

describe('message properties', () => {
  it('parse(serialize(m)) gives back m', () => {
    fc.assert(
      fc.property(message, (m) => {
        const r = parseMessage(serializeMessage(m));
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.reason}\n${serializeMessage(m).toString()}`);
        const back = r.message;
        expect([...back.headers.entries()]).toEqual([...m.headers.entries()]);
        expect(back.body.equals(m.body)).toBe(true);
        if (m.kind === 'request') expect(back).toMatchObject({ kind: 'request', method: m.method, uri: m.uri });
        else expect(back).toMatchObject({ kind: 'response', status: m.status, reason: m.reason });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes, alone or after a valid start line', () => {
    const prefixes = ['', 'INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n'];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 400 }), fc.boolean(), (prefix, bytes, lenient) => {
        const r = parseMessage(Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from('\r\n\r\n')]), { lenient });
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.code).toMatch(/^SIP_PARSE_/);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on mutated valid messages', () => {
    fc.assert(
      fc.property(message, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (m, edits) => {
        const buf = Buffer.from(serializeMessage(m));
        for (const [pos, byte] of edits) buf[pos % buf.length] = byte;
        const r = parseMessage(buf);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('frames the same messages however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(message, fc.constantFrom('', '\r\n\r\n')), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 50 }),
        (items, cuts) => {
          const parts = items.map(([m, ka]) => Buffer.concat([Buffer.from(ka), serializeMessage(m)]));
          const expected = items.map(([m]) => serializeMessage(m).toString('latin1'));
          const stream = Buffer.concat(parts);
          const framer = new SipStreamFramer();
          const got: string[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length] as number;
            for (const ev of framer.push(stream.subarray(pos, pos + n))) {
              if (ev.kind === 'error') throw ev.error;
              if (ev.kind === 'message') got.push(ev.data.toString('latin1'));
            }
            pos += n;
          }
          expect(got).toEqual(expected);
          for (const g of got) expect(parseMessage(Buffer.from(g, 'latin1'), { framing: 'stream' }).ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stream framer never throws on arbitrary bytes and stops after an error', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const framer = new SipStreamFramer({ maxMessageBytes: 1_000 });
        let failed = false;
        for (const c of chunks) {
          const evs = framer.push(Buffer.from(c));
          if (failed) expect(evs).toEqual([]);
          if (evs.some((e) => e.kind === 'error')) failed = true;
          for (const e of evs) if (e.kind === 'message') expect(typeof parseMessage(e.data, { framing: 'stream' }).ok).toBe('boolean');
        }
        expect(framer.failed).toBe(failed);
        expect(framer.buffered).toBeLessThanOrEqual(1_000 + 200);
      }),
      { numRuns: 500 },
    );
  });
});
