import { describe, expect, it } from 'vitest';
import { parseUri } from '#sip-server/message/index.js';
import { contactFor, formatHostports, isOwnAddress, substituteLocalhost } from './local-transports.js';
import type { ListeningTransport } from './stack-port.js';

const T: ListeningTransport[] = [
  { protocol: 'udp', localAddress: '10.0.0.5', localPort: 5060, externalAddress: '203.0.113.5' },
  { protocol: 'tcp', localAddress: '10.0.0.5', localPort: 5060, externalAddress: '203.0.113.5' },
];

describe('local transports (spec §3.2, §5.2, §5.3, §5.5 item 2)', () => {
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
    // RFC 3261 §19.1.2: a sips: URI without a port means 5061, not our 5060 listeners.
    const sips = parseUri('sips:x@203.0.113.5');
    expect(sips.ok && isOwnAddress(sips.uri, T)).toBe(false);
  });

  it('gives a sips Contact over TLS for a sips Request-URI (RFC 3261 §8.1.1.8)', () => {
    const tls: ListeningTransport = { protocol: 'tls', localAddress: '10.0.0.5', localPort: 5061, externalAddress: undefined };
    expect(contactFor(tls, undefined, 'sips')).toBe('<sips:10.0.0.5:5061>');
    expect(contactFor(tls)).toBe('<sip:10.0.0.5:5061;transport=tls>');
  });
});
