import { describe, expect, it } from 'vitest';
import {
  createErrorResponse,
  createResponse,
  formatUri,
  getCSeq,
  getCallId,
  getContacts,
  getContentType,
  getFrom,
  getFromTag,
  getMaxForwards,
  getRecordRoutes,
  getRoutes,
  getTo,
  getToTag,
  getTopVia,
  getVias,
  parseMessage,
  parseUri,
  serializeMessage,
  type SipMessage,
  type SipRequest,
} from './index.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

const INVITE = crlf([
  'INVITE sip:bob@example.com SIP/2.0',
  'v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKaaa;rport, SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKbbb;received=192.0.2.9',
  'Max-Forwards: 70',
  'f: "Alice \\"A\\"" <sip:alice@example.com>;tag=abc',
  't: Bob <sip:bob@example.com>',
  'i: call-1@example.com',
  'CSeq: 7 INVITE',
  'm: <sip:alice@192.0.2.1:5060;transport=udp>;expires=60',
  'Route: <sip:p1.example.com;lr>,',
  ' <sip:p2.example.com;lr>',
  'Record-Route: <sip:rr.example.com;lr>',
  'c: application/sdp; charset=utf-8',
  'X-Custom: hello',
  'l: 5',
  '',
  'v=0\r\n',
]);

function parseOk(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(`unexpected parse failure: ${r.error.code} ${r.error.reason}`);
  return r.message;
}

describe('parseMessage', () => {
  it('parses a request with compact forms, folding and list headers', () => {
    const m = parseOk(INVITE) as SipRequest;
    expect(m.kind).toBe('request');
    expect(m.method).toBe('INVITE');
    expect(m.uri).toBe('sip:bob@example.com');
    expect(m.body.toString()).toBe('v=0\r\n');
    const vias = getVias(m);
    expect(vias).toHaveLength(2);
    expect(vias[0]).toMatchObject({ transport: 'UDP', host: '192.0.2.1', port: 5060, branch: 'z9hG4bKaaa', hasRport: true, rport: undefined });
    expect(vias[1]).toMatchObject({ transport: 'TCP', host: '[2001:db8::1]', port: 5070, received: '192.0.2.9' });
    expect(getFrom(m)?.displayName).toBe('Alice "A"');
    expect(getFromTag(m)).toBe('abc');
    expect(getTo(m)?.displayName).toBe('Bob');
    expect(getToTag(m)).toBeUndefined();
    expect(getCallId(m)).toBe('call-1@example.com');
    expect(getCSeq(m)).toEqual({ seq: 7, method: 'INVITE' });
    expect(getMaxForwards(m)).toBe(70);
    expect(getContentType(m)).toBe('application/sdp');
    const contacts = getContacts(m);
    expect(contacts?.wildcard).toBe(false);
    if (contacts && !contacts.wildcard) expect(contacts.contacts[0]?.params.get('expires')).toBe('60');
    expect(getRoutes(m).map((r) => r.uri.host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(getRecordRoutes(m)[0]?.uri.params.has('lr')).toBe(true);
    expect(m.headers.getAll('route')).toHaveLength(2);
    expect(m.headers.get('x-custom')).toBe('hello');
  });

  it('round-trips through serializeMessage', () => {
    const m = parseOk(INVITE);
    const again = parseOk(serializeMessage(m));
    expect([...again.headers.entries()]).toEqual([...m.headers.entries()]);
    expect(again.body.equals(m.body)).toBe(true);
    // Unchanged lines are written as received; changed or added ones canonically.
    expect(serializeMessage(m).toString()).toContain('\r\nv: SIP/2.0/UDP 192.0.2.1:5060');
    m.headers.set('max-forwards', '69');
    m.headers.add('X-Added', 'yes');
    const out = serializeMessage(m).toString();
    expect(out).toContain('\r\nMax-Forwards: 69\r\nf: "Alice');
    expect(out).toContain('l: 5\r\nX-Added: yes\r\n\r\nv=0');
    expect(out).toContain('Route: <sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr>\r\n');
  });

  it('rewrites a Content-Length that does not match the body', () => {
    const m = parseOk(INVITE);
    m.body = Buffer.from('v=0\r\no=x\r\n');
    const out = serializeMessage(m).toString();
    expect(out).toContain('\r\nContent-Length: 10\r\n\r\nv=0');
    expect(out).not.toContain('l: 5');
  });

  it('parses a response and accepts an empty reason phrase', () => {
    const m = parseOk(
      crlf(['SIP/2.0 180 ', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:a@h>;tag=1', 'To: <sip:b@h>;tag=2', 'Call-ID: x', 'CSeq: 1 INVITE', 'Content-Length: 0', '', '']),
    );
    expect(m).toMatchObject({ kind: 'response', status: 180, reason: '' });
  });

  it('rejects wrong input with a code and a reason, and keeps what a 400 needs', () => {
    const r = parseMessage(crlf(['INVITE sip:b@h SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:a@h>;tag=1', 'To: <sip:b@h>', 'Call-ID: x', 'CSeq: 1 BYE', 'Content-Length: 0', '', '']));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('SIP_PARSE_CSEQ_MISMATCH');
    const resp = createErrorResponse(r.error);
    expect(resp?.status).toBe(400);
    expect(resp?.reason).toBe('CSeq method does not match Request-Line');
    expect(resp?.headers.get('call-id')).toBe('x');
  });

  it('enforces size limits', () => {
    expect(parseMessage(INVITE, { maxMessageBytes: 100 })).toMatchObject({ ok: false, error: { code: 'SIP_PARSE_TOO_LARGE' } });
    expect(parseMessage(INVITE, { maxHeaders: 3 })).toMatchObject({ ok: false, error: { code: 'SIP_PARSE_TOO_MANY_HEADERS' } });
  });
});

describe('createResponse', () => {
  it('copies Via, From, To, Call-ID, CSeq and adds a To tag (RFC 3261 §8.2.6)', () => {
    const req = parseOk(INVITE) as SipRequest;
    const res = createResponse(req, 486, undefined, { toTag: 'xyz' });
    expect(res.reason).toBe('Busy Here');
    expect(res.headers.getLines('via')).toEqual(req.headers.getLines('via'));
    expect(getToTag(res)).toBe('xyz');
    expect(getToTag(req)).toBeUndefined(); // the request's parsed To is shared, never changed
    expect(getCSeq(res)).toEqual({ seq: 7, method: 'INVITE' });
    expect(res.headers.has('contact')).toBe(false);
    const trying = createResponse(req, 100, undefined, { toTag: 'xyz' });
    expect(getToTag(trying)).toBeUndefined();
    expect(getTopVia(parseOk(serializeMessage(res)))?.branch).toBe('z9hG4bKaaa');
  });
});

describe('parseUri / formatUri', () => {
  it.each([
    'sip:alice@example.com',
    'sips:alice:secret@example.com:5061;transport=tcp;lr?subject=hi&priority=urgent',
    'sip:[2001:db8::1]:5060;maddr=[2001:db8::2]',
    'sip:+4930123@gw.example.net;user=phone',
    'tel:+1-201-555-0123;phone-context=example.com',
    'urn:service:sos',
  ])('round-trips %s', (text) => {
    const r = parseUri(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(formatUri(r.uri)).toBe(text);
  });

  it('splits user, password, host, port and params', () => {
    const r = parseUri('sip:bob:pw@[::1]:5080;transport=TCP;lr');
    expect(r).toMatchObject({ ok: true, uri: { scheme: 'sip', user: 'bob', password: 'pw', host: '[::1]', port: 5080 } });
    if (r.ok) expect([...r.uri.params]).toEqual([['transport', 'TCP'], ['lr', null]]);
  });

  it.each(['sip:', 'sip:a@', 'sip:a b@h', 'sip:h:99999', '<sip:h>', 'sip:h;=x', 'sip:a@h?x'])('rejects %s', (text) => {
    expect(parseUri(text).ok).toBe(false);
  });
});

describe('parseMessage lenient mode', () => {
  it('accepts a sparse application request and takes everything after the blank line as body', () => {
    const r = parseMessage(Buffer.from('INVITE sip:b@example.com SIP/2.0\r\nContent-Type: application/sdp\r\nContent-Length: 1\r\n\r\nv=0\r\n'), { lenient: true });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.message.body.toString()).toBe('v=0\r\n');
    const noBlank = parseMessage(Buffer.from('BYE sip:b@example.com SIP/2.0\r\nX-Reason: done\r\n'), { lenient: true });
    expect(noBlank).toMatchObject({ ok: true, message: { method: 'BYE' } });
    expect(parseMessage(Buffer.from('INVITE sip:b@example.com SIP/2.0\r\nTo: "bad\r\n\r\n'), { lenient: true }).ok).toBe(false);
  });
});
