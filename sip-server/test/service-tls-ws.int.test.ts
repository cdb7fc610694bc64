// The service wires TLS and WSS contacts from its configuration: with no certificate configured it
// makes a self-signed one, and requests over TLS and WebSocket reach the core and get answered on
// the same connection.
import { connect } from 'node:tls';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

const options = (transport: string, port: number, branch: string) =>
  [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:1;branch=z9hG4bK${branch}`,
    'From: <sip:probe@127.0.0.1>;tag=p1',
    `To: <sip:127.0.0.1:${port}>`,
    `Call-ID: ${branch}@test`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

describe('sip-server service with TLS and WSS contacts', () => {
  let server: TestSipServer;
  const port = (protocol: string) => server.service.sip.listening.find((l) => l.protocol === protocol)?.localPort ?? 0;

  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_CONTACTS: 'sip:127.0.0.1:0;transport=tls sip:127.0.0.1:0;transport=wss' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers over TLS on the connection the request came on (self-signed certificate)', async () => {
    const tlsPort = port('tls');
    expect(tlsPort).toBeGreaterThan(0);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false }, () => socket.write(options('TLS', tlsPort, 'tls1')));
      let data = '';
      socket.on('data', (d: Buffer) => {
        data += d.toString();
        if (data.includes('\r\n\r\n')) {
          socket.end();
          resolve(data);
        }
      });
      socket.on('error', reject);
      setTimeout(() => reject(new Error('no reply over TLS')), 5_000).unref();
    });
    // No app routes OPTIONS here, so the core answers 503 (drachtio behaviour) — over TLS.
    expect(reply).toMatch(/^SIP\/2\.0 503 /);
    expect(reply).toContain('branch=z9hG4bKtls1');
  });

  it('answers over a secure WebSocket with the sip subprotocol (RFC 7118)', async () => {
    const wssPort = port('wss');
    expect(wssPort).toBeGreaterThan(0);
    const reply = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`wss://127.0.0.1:${wssPort}`, 'sip', { rejectUnauthorized: false });
      ws.on('open', () => ws.send(options('WSS', wssPort, 'wss1')));
      ws.on('message', (m: Buffer) => {
        ws.close();
        resolve(m.toString());
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error('no reply over WSS')), 5_000).unref();
    });
    expect(reply).toMatch(/^SIP\/2\.0 503 /);
    expect(reply).toContain('branch=z9hG4bKwss1');
  });
});
