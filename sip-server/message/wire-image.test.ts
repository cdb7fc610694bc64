// Serializing an unchanged parsed message returns the received bytes; any change rebuilds it.
import { describe, expect, it } from 'vitest';
import { parseMessage, serializeMessage, type SipMessage } from './index.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

const BODY = 'v=0\r\n';
const REQUEST = crlf([
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKaaa',
  'f: <sip:alice@example.com>;tag=1',
  'To:  <sip:bob@example.com>',
  'Call-ID: c1@192.0.2.1',
  'CSeq: 1 INVITE',
  'Subject: folded',
  '  onto two lines',
  `l: ${BODY.length}`,
  '',
  BODY,
]);

function parsed(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

/** The same message rebuilt line by line (what serialization produced before the fast path). */
function rebuilt(m: SipMessage): string {
  return serializeMessage({ ...m, headers: m.headers.clone() }).toString('utf8');
}

describe('serializing an unchanged message', () => {
  it('returns the received bytes, without leading CRLFs', () => {
    const m = parsed(Buffer.concat([Buffer.from('\r\n\r\n'), REQUEST]));
    const out = serializeMessage(m);
    expect(out.equals(REQUEST)).toBe(true);
    expect(rebuilt(m)).toBe(REQUEST.toString('utf8'));
  });

  it('drops datagram bytes after Content-Length, as rebuilding does', () => {
    const m = parsed(Buffer.concat([REQUEST, Buffer.from('trailing junk')]));
    expect(serializeMessage(m).equals(REQUEST)).toBe(true);
  });

  it('keeps a response as received', () => {
    const res = crlf(['SIP/2.0 180 Ringing', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKaaa', 'From: <sip:a@x>;tag=1', 'To: <sip:b@x>;tag=2', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0', '', '']);
    expect(serializeMessage(parsed(res)).equals(res)).toBe(true);
  });
});

describe('a change rebuilds the message', () => {
  it('after a header is added, set or removed', () => {
    for (const change of [
      (m: SipMessage) => m.headers.add('X-Test', '1'),
      (m: SipMessage) => m.headers.set('CSeq', '2 INVITE'),
      (m: SipMessage) => m.headers.remove('Subject'),
      (m: SipMessage) => m.headers.prepend('Via', 'SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKnew'),
      (m: SipMessage) => m.headers.removeFirst('Via'),
    ]) {
      const m = parsed(REQUEST);
      change(m);
      const out = serializeMessage(m).toString('utf8');
      expect(out).not.toBe(REQUEST.toString('utf8'));
      expect(out).toBe(rebuilt(m));
    }
  });

  it('after the Request-URI, the method or the body changes', () => {
    const a = parsed(REQUEST);
    if (a.kind !== 'request') throw new Error('request expected');
    a.uri = 'sip:carol@example.com';
    expect(serializeMessage(a).toString('utf8')).toContain('INVITE sip:carol@example.com SIP/2.0\r\n');
    const b = parsed(REQUEST);
    b.body = Buffer.from('v=1\r\n');
    expect(serializeMessage(b).toString('utf8').endsWith('\r\n\r\nv=1\r\n')).toBe(true);
  });

  it('after the status or reason of a response changes', () => {
    const m = parsed(crlf(['SIP/2.0 180 Ringing', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKaaa', 'From: <sip:a@x>;tag=1', 'To: <sip:b@x>;tag=2', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0', '', '']));
    if (m.kind !== 'response') throw new Error('response expected');
    m.reason = 'Alerting';
    expect(serializeMessage(m).toString('utf8').startsWith('SIP/2.0 180 Alerting\r\n')).toBe(true);
  });
});

describe('messages that serialization normalises are rebuilt', () => {
  it('a lower-case SIP version, a wrong or missing Content-Length', () => {
    const lower = parsed(Buffer.from(REQUEST.toString('utf8').replace('SIP/2.0\r\n', 'sip/2.0\r\n')));
    expect(serializeMessage(lower).toString('utf8').startsWith('INVITE sip:bob@example.com SIP/2.0\r\n')).toBe(true);
    const padded = parsed(Buffer.from(REQUEST.toString('utf8').replace(`l: ${BODY.length}`, `l: 0${BODY.length}`)));
    expect(serializeMessage(padded).toString('utf8')).toContain(`Content-Length: ${BODY.length}\r\n`);
    const missing = parsed(Buffer.from(REQUEST.toString('utf8').replace(`l: ${BODY.length}\r\n`, '')));
    expect(serializeMessage(missing).toString('utf8')).toContain(`Content-Length: ${BODY.length}\r\n`);
  });

  it('a Status-Line without a reason phrase', () => {
    const m = parsed(crlf(['SIP/2.0 200', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKaaa', 'From: <sip:a@x>;tag=1', 'To: <sip:b@x>;tag=2', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0', '', '']));
    expect(serializeMessage(m).toString('utf8').startsWith('SIP/2.0 200 \r\n')).toBe(true);
  });
});
