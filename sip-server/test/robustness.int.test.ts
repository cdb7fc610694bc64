// Invalid requests get `400 <reason>`, garbage is dropped, requests nobody routes get 503,
// a broken wire frame closes only that app connection, and CDR events reach a subscribed app.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnsweringApp } from '#test/support/srf-apps/answering-app.js';
import { connectSrf, newSrf } from '#test/support/srf-apps/srf-view.js';
import { runSipp } from '#test/support/sipp.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

/** Sends one datagram and collects what comes back within `waitMs`. */
async function exchange(port: number, data: Buffer, waitMs = 400): Promise<string[]> {
  const sock = createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const { port: localPort } = sock.address();
  sock.send(Buffer.from(data.toString('latin1').replaceAll('LOCALPORT', String(localPort)), 'latin1'), port, '127.0.0.1');
  await new Promise((r) => setTimeout(r, waitMs));
  sock.close();
  return got;
}

const request = (method: string, cseq: string, maxForwards = '70'): Buffer =>
  Buffer.from(
    [
      `${method} sip:bob@127.0.0.1 SIP/2.0`,
      'Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bKrobust' + method + cseq.replace(/\W/g, ''),
      `Max-Forwards: ${maxForwards}`,
      'From: <sip:alice@127.0.0.1>;tag=r1',
      'To: <sip:bob@127.0.0.1>',
      `Call-ID: robust-${method}-${cseq.replace(/\W/g, '')}`,
      `CSeq: ${cseq}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );

describe('sip-server robustness', () => {
  let server: TestSipServer;

  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_CDRS: 'true' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers a malformed request with 400 and a reason phrase', async () => {
    const replies = await exchange(server.sipPort, request('OPTIONS', '7 OPTIONS', 'seventy'));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^SIP\/2\.0 400 \S+/);
  });

  it('drops garbage silently and keeps serving', async () => {
    expect(await exchange(server.sipPort, Buffer.from([0, 1, 2, 0xff, 0x23, 0x0d, 0x0a]))).toEqual([]);
    expect(await exchange(server.sipPort, Buffer.from('hello world\r\n\r\n'))).toEqual([]);
    const replies = await exchange(server.sipPort, request('OPTIONS', '1 OPTIONS'));
    expect(replies[0]).toMatch(/^SIP\/2\.0 503 /); // no app routes OPTIONS (§5.8)
  });

  it('closes an app connection that sends a bad frame, and still accepts apps', async () => {
    const sock = connect(server.admin.port, '127.0.0.1');
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('error', () => undefined);
    sock.write('12x#garbage');
    await closed;
    const srf = newSrf();
    const hostports = await connectSrf(srf, server.admin);
    expect(hostports).toContain('udp/127.0.0.1:');
    srf.disconnect();
  });

  it('sends cdr:attempt, cdr:start and cdr:stop to the app that routed them', async () => {
    const answering = await startAnsweringApp(server.admin);
    const cdrApp = newSrf() as unknown as { on(ev: string, fn: (...a: unknown[]) => void): void; disconnect(): void };
    const seen: string[] = [];
    cdrApp.on('cdr:attempt', (source) => seen.push(`attempt/${String(source)}`));
    cdrApp.on('cdr:start', (source, _t, role) => seen.push(`start/${String(source)}/${String(role)}`));
    cdrApp.on('cdr:stop', (source, _t, reason) => seen.push(`stop/${String(source)}/${String(reason)}`));
    await connectSrf(cdrApp as never, server.admin);
    try {
      await new Promise((r) => setTimeout(r, 100)); // let the route frames land
      const r = await runSipp({ scenario: 'uac-invite-bye.xml', target: server.sipTarget, calls: 1, timeoutSec: 20, extraArgs: ['-s', 'alice'] });
      expect(r.stats['SuccessfulCall(C)']).toBe('1');
      const start = Date.now();
      while (seen.length < 3 && Date.now() - start < 3000) await new Promise((res) => setTimeout(res, 20));
      expect(seen).toEqual(['attempt/network', 'start/application/uas', 'stop/network/normal-release']);
    } finally {
      cdrApp.disconnect();
      answering.stop();
    }
  });
});
