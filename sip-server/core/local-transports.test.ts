import { describe, expect, it } from 'vitest';
import { parseUri } from '#sip-server/message/index.js';
import { chooseNextHop, contactFor, formatHostports, isOwnAddress, substituteLocalhost } from './local-transports.js';
import type { ListeningTransport } from './stack-port.js';

const T: ListeningTransport[] = [
  { protocol: 'udp', localAddress: '10.0.0.5', localPort: 5060, externalAddress: '203.0.113.5' },
  { protocol: 'tcp', localAddress: '10.0.0.5', localPort: 5060, externalAddress: '203.0.113.5' },
];

describe('local transports (spec §3.2, §5.2, §5.3, §5.5)', () => {
  it('formats hostports with external and local addresses', () => {
    expect(formatHostports(T, 'external')).toBe('udp/203.0.113.5:5060,tcp/203.0.113.5:5060');
    expect(formatHostports(T, 'local')).toBe('udp/10.0.0.5:5060,tcp/10.0.0.5:5060');
  });

  it('builds Contact values and replaces @localhost with the advertised address', () => {
    expect(contactFor(T[0]!)).toBe('<sip:203.0.113.5:5060>');
    expect(contactFor(T[1]!, '1555')).toBe('<sip:1555@203.0.113.5:5060;transport=tcp>');
    expect(substituteLocalhost('sip:15550001111@localhost', T[0]!)).toBe('sip:15550001111@203.0.113.5:5060');
  });

  it('recognises its own addresses (loop guard)', () => {
    const own = parseUri('sip:x@203.0.113.5');
    const other = parseUri('sip:x@203.0.113.5:5070');
    expect(own.ok && isOwnAddress(own.uri, T)).toBe(true);
    expect(other.ok && isOwnAddress(other.uri, T)).toBe(false);
  });

  it('picks the next hop and transport, honouring ;transport=', () => {
    expect(chooseNextHop('sip:bob@198.51.100.7', T)).toMatchObject({ ok: true, endpoint: { protocol: 'udp', address: '198.51.100.7', port: 5060 } });
    expect(chooseNextHop('sip:bob@198.51.100.7:5080;transport=tcp', T)).toMatchObject({ ok: true, endpoint: { protocol: 'tcp', port: 5080 } });
    expect(chooseNextHop('198.51.100.7:5090', T)).toMatchObject({ ok: true, endpoint: { port: 5090 } });
    expect(chooseNextHop('sip:bob@198.51.100.7;transport=tls', T)).toEqual({ ok: false, reason: 'requested protocol/transport not available' });
    expect(chooseNextHop('sip:bob@carrier.example', T).ok).toBe(false);
  });
});
