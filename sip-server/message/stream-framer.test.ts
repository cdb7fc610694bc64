import { describe, expect, it } from 'vitest';
import { SipStreamFramer } from './index.js';

const msg = (body: string): string =>
  `OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('SipStreamFramer', () => {
  it('frames messages split across chunks and several in one chunk', () => {
    const f = new SipStreamFramer();
    const stream = Buffer.from(msg('hello') + msg('') + msg('ünï'));
    const out: string[] = [];
    for (let i = 0; i < stream.length; i += 7) {
      for (const ev of f.push(stream.subarray(i, i + 7))) if (ev.kind === 'message') out.push(ev.data.toString());
    }
    expect(out).toEqual([msg('hello'), msg(''), msg('ünï')]);
    expect(f.buffered).toBe(0);
  });

  it('reports CRLF CRLF pings and CRLF pongs between messages (RFC 5626 §3.5.1)', () => {
    const f = new SipStreamFramer();
    const ev = f.push(Buffer.from(`\r\n\r\n${msg('')}\r\n${msg('x')}`));
    expect(ev.map((e) => (e.kind === 'keepalive' ? `ka:${e.ping}` : e.kind))).toEqual(['ka:true', 'message', 'ka:false', 'message']);
  });

  it('fails on oversize input and on a bad Content-Length', () => {
    const big = new SipStreamFramer({ maxMessageBytes: 64 });
    expect(big.push(Buffer.alloc(100, 65))[0]).toMatchObject({ kind: 'error', error: { code: 'SIP_FRAME_TOO_LARGE' } });
    expect(big.failed).toBe(true);
    expect(big.push(Buffer.from(msg('')))).toEqual([]);
    const bad = new SipStreamFramer();
    expect(bad.push(Buffer.from(msg('').replace('Content-Length: 0', 'Content-Length: -1')))[0]).toMatchObject({
      kind: 'error',
      error: { code: 'SIP_FRAME_BAD_CONTENT_LENGTH' },
    });
  });
});
