import { describe, expect, it } from 'vitest';
import { getTopVia, parseMessage, parseUri, type SipMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { parseContact, parseContacts } from './contacts.js';
import type { MessageSource } from './types.js';
import { responseDestination, sentByIsOurs, stampReceived, uriTransport } from './via-rules.js';

function msg(first: string, via: string): SipMessage {
  const r = parseMessage(
    Buffer.from(`${first}\r\nVia: ${via}\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`),
  );
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

const source: MessageSource = { protocol: 'udp', remoteAddress: '192.0.2.7', remotePort: 40000, localAddress: '127.0.0.1', localPort: 5060, connectionId: undefined };

describe('stampReceived (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('adds received and fills rport when rport was requested', () => {
    const req = msg('OPTIONS sip:b@h SIP/2.0', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport') as SipRequest;
    stampReceived(req, source);
    expect(getTopVia(req)).toMatchObject({ received: '192.0.2.7', rport: 40000, branch: 'z9hG4bK1' });
    expect(req.headers.get('via')).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.7');
  });

  it('adds received only when sent-by differs, and leaves a matching Via alone', () => {
    const req = msg('OPTIONS sip:b@h SIP/2.0', 'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1') as SipRequest;
    stampReceived(req, source);
    expect(getTopVia(req)).toMatchObject({ received: '192.0.2.7', hasRport: false });
    const same = msg('OPTIONS sip:b@h SIP/2.0', 'SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK2') as SipRequest;
    stampReceived(same, source);
    expect(same.headers.get('via')).toBe('SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK2');
  });
});

describe('responseDestination (RFC 3261 §18.2.2)', () => {
  it('prefers received and rport, then sent-by, then the default port', () => {
    expect(responseDestination(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;rport=4000;received=192.0.2.7') as SipResponse)).toEqual({
      transport: 'udp',
      host: '192.0.2.7',
      port: 4000,
    });
    expect(responseDestination(msg('SIP/2.0 200 OK', 'SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1') as SipResponse)).toEqual({ transport: 'tcp', host: '10.0.0.1', port: 5060 });
    expect(responseDestination(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK1') as SipResponse)).toEqual({
      transport: 'udp',
      host: '2001:db8::1',
      port: 5062,
    });
  });
});

describe('sentByIsOurs (RFC 3261 §18.1.2)', () => {
  const points = [{ protocol: 'udp' as const, localAddress: '127.0.0.1', localPort: 5080, externalAddress: '203.0.113.5' }];
  it('accepts our local or external address with our port, rejects others', () => {
    expect(sentByIsOurs(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1') as SipResponse, points)).toBe(true);
    expect(sentByIsOurs(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP 203.0.113.5:5080;branch=z9hG4bK1') as SipResponse, points)).toBe(true);
    expect(sentByIsOurs(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP 127.0.0.1:5081;branch=z9hG4bK1') as SipResponse, points)).toBe(false);
    expect(sentByIsOurs(msg('SIP/2.0 200 OK', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1') as SipResponse, points)).toBe(false);
  });
});

describe('parseContact', () => {
  it('reads drachtio-style contacts', () => {
    expect(parseContact('sip:127.0.0.1:5060;transport=udp,tcp')).toEqual({ host: '127.0.0.1', port: 5060, transports: ['udp', 'tcp'], externalAddress: undefined });
    expect(parseContact('sip:[::1]:0;transport=tcp', '198.51.100.1')).toEqual({ host: '::1', port: 0, transports: ['tcp'], externalAddress: '198.51.100.1' });
    expect(parseContact('sip:10.0.0.1;external-ip=203.0.113.9')).toMatchObject({ port: 5060, transports: ['udp', 'tcp'], externalAddress: '203.0.113.9' });
    expect(parseContacts('sip:127.0.0.1:5060;transport=udp, sip:127.0.0.1:5070;transport=tcp').map((c) => c.port)).toEqual([5060, 5070]);
  });

  it('defaults the port per transport when none is given (5061 tls, 80 ws, 443 wss)', () => {
    expect(parseContact('sip:127.0.0.1;transport=tls').port).toBe(5061);
    expect(parseContact('sips:127.0.0.1').port).toBe(5061);
    expect(parseContact('sip:127.0.0.1;transport=ws').port).toBe(80);
    expect(parseContact('sip:127.0.0.1;transport=wss').port).toBe(443);
    expect(parseContact('sip:127.0.0.1;transport=udp,tcp,tls').port).toBe(5060);
    expect(parseContact('sip:127.0.0.1:0;transport=tls').port).toBe(0);
  });

  it.each(['http://x', 'sip:127.0.0.1:99999', 'sip:127.0.0.1;transport=carrier-pigeon'])('rejects %s', (text) => {
    expect(() => parseContact(text)).toThrow(/contact/);
  });
});

describe('uriTransport (RFC 3261 §19.1.2, §26.2.2; RFC 7118 §5.2)', () => {
  const t = (text: string): string | undefined => {
    const r = parseUri(text);
    if (!r.ok) throw new Error(`bad uri ${text}`);
    return uriTransport(r.uri);
  };
  it('maps scheme and transport parameter to a kind; sips means TLS', () => {
    expect(t('sip:a@127.0.0.1')).toBe('udp');
    expect(t('sip:a@127.0.0.1;transport=TCP')).toBe('tcp');
    expect(t('sip:a@127.0.0.1;transport=tls')).toBe('tls');
    expect(t('sips:a@127.0.0.1')).toBe('tls');
    expect(t('sips:a@127.0.0.1;transport=tcp')).toBe('tls');
    expect(t('sip:a@df7jal23ls0d.invalid;transport=ws')).toBe('ws');
    expect(t('sips:a@df7jal23ls0d.invalid;transport=ws')).toBe('wss');
    expect(t('sips:a@127.0.0.1;transport=udp')).toBeUndefined();
    expect(t('sip:a@127.0.0.1;transport=sctp')).toBeUndefined();
  });
});
