import { describe, expect, it } from 'vitest';
import { chooseNextHop } from './next-hop.js';
import type { Endpoint, ListeningTransport } from './stack-port.js';

const at = (protocol: ListeningTransport['protocol'], localPort: number): ListeningTransport => ({ protocol, localAddress: '10.0.0.5', localPort, externalAddress: undefined });
const ALL: ListeningTransport[] = [at('udp', 5060), at('tcp', 5060), at('tls', 5061), at('ws', 8080), at('wss', 8443)];
const PLAIN: ListeningTransport[] = [at('udp', 5060), at('tcp', 5060)];

const hop = (target: string, transports = ALL, flow?: Endpoint) => {
  const h = chooseNextHop(target, transports, flow);
  return h.ok ? { ...h.endpoint, explicit: h.explicitTransport } : h.reason;
};

describe('chooseNextHop (spec §5.5; RFC 3261 §8.1.2, §19.1.2, §26.2.2; RFC 7118 §5)', () => {
  it('sends a plain sip: URI over UDP to port 5060, honouring ;transport= and an explicit port', () => {
    expect(hop('sip:bob@198.51.100.7')).toEqual({ protocol: 'udp', address: '198.51.100.7', port: 5060, explicit: false });
    expect(hop('sip:bob@198.51.100.7:5080;transport=tcp')).toEqual({ protocol: 'tcp', address: '198.51.100.7', port: 5080, explicit: true });
    expect(hop('198.51.100.7:5090')).toMatchObject({ protocol: 'udp', port: 5090 });
    expect(hop('sip:bob@localhost')).toMatchObject({ address: '127.0.0.1' });
    expect(hop('sip:bob@[2001:db8::1]:5070')).toMatchObject({ address: '2001:db8::1', port: 5070 });
  });

  it('uses TCP for a plain sip: URI when there is no UDP listener', () => {
    expect(hop('sip:bob@198.51.100.7', [at('tcp', 5060), at('tls', 5061)])).toMatchObject({ protocol: 'tcp', port: 5060 });
  });

  it('defaults the port per transport (RFC 3261 §19.1.2, RFC 7118 §5.1)', () => {
    expect(hop('sip:bob@198.51.100.7;transport=tls')).toMatchObject({ protocol: 'tls', port: 5061 });
    expect(hop('sip:bob@198.51.100.7;transport=ws')).toMatchObject({ protocol: 'ws', port: 80 });
    expect(hop('sip:bob@198.51.100.7;transport=WSS')).toMatchObject({ protocol: 'wss', port: 443 });
  });

  it('reaches sips: URIs over TLS only (RFC 3261 §26.2.2)', () => {
    expect(hop('sips:bob@198.51.100.7')).toEqual({ protocol: 'tls', address: '198.51.100.7', port: 5061, explicit: true });
    expect(hop('sips:bob@198.51.100.7:5071;transport=tcp')).toMatchObject({ protocol: 'tls', port: 5071 });
    expect(hop('sips:bob@198.51.100.7;transport=ws')).toMatchObject({ protocol: 'wss', port: 443 });
    expect(hop('sips:bob@198.51.100.7;transport=udp')).toMatch(/§26\.2\.2/);
    // A server without a TLS listener cannot send to a sips: URI at all (never downgraded to udp/tcp).
    expect(hop('sips:bob@198.51.100.7', PLAIN)).toBe('requested protocol/transport not available');
  });

  it('refuses transports it does not listen on, unknown transports and other schemes', () => {
    expect(hop('sip:bob@198.51.100.7;transport=tls', PLAIN)).toBe('requested protocol/transport not available');
    expect(hop('sip:bob@198.51.100.7;transport=sctp')).toBe('unknown transport: sctp');
    expect(hop('tel:+15550001111')).toBe('unsupported uri scheme: tel');
    expect(hop('sip:bob@carrier.example')).toMatch(/DNS lookups are not implemented/);
    expect(hop('not a uri <')).toMatch(/invalid request-uri/);
  });

  it('sends to maddr instead of the host (RFC 3261 §8.1.2)', () => {
    expect(hop('sip:bob@carrier.example;maddr=198.51.100.9;transport=tcp')).toMatchObject({ protocol: 'tcp', address: '198.51.100.9', port: 5060 });
  });

  it('reaches a WebSocket client\'s *.invalid Contact over its flow only (RFC 7118 §5)', () => {
    const flow: Endpoint = { protocol: 'ws', address: '127.0.0.1', port: 50123, connectionId: 'ws-7' };
    expect(hop('sip:a8k2@df7jal23ls0d.invalid;transport=ws', ALL, flow)).toEqual({ ...flow, explicit: true });
    expect(hop('sip:a8k2@df7jal23ls0d.invalid;transport=ws')).toBe('no open ws connection to df7jal23ls0d.invalid');
    // Browsers write ;transport=ws over WSS too (RFC 7118 §8): a wss flow carries it, on the wss listener.
    const secure: Endpoint = { ...flow, protocol: 'wss', connectionId: 'wss-3' };
    expect(chooseNextHop('sip:a8k2@df7jal23ls0d.invalid;transport=ws', [at('wss', 8443)], secure)).toMatchObject({ ok: true, endpoint: secure, transport: { protocol: 'wss' } });
    // A flow of another family (or UDP) is no way to reach it.
    expect(hop('sip:a8k2@df7jal23ls0d.invalid;transport=ws', ALL, { ...flow, protocol: 'tcp' })).toBe('no open ws connection to df7jal23ls0d.invalid');
    expect(hop('sip:a8k2@df7jal23ls0d.invalid', ALL, { ...flow, protocol: 'udp' })).toBe('no open udp connection to df7jal23ls0d.invalid');
    // The received/rport address an app routes to (drachtio registrar practice) is a normal ws hop.
    expect(hop('sip:127.0.0.1:50123;transport=ws')).toEqual({ protocol: 'ws', address: '127.0.0.1', port: 50123, explicit: true });
  });
});
