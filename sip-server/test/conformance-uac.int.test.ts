// Conformance: drachtio-srf apps originate requests through the sip-server to sipp UAS scenarios
// (srf.createUAC, srf.request), over UDP and TCP. Each asserts sipp's verdict and the app's view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SDP, connectSrf, newSrf, type SrfApp } from '#test/support/srf-apps/srf-view.js';
import { startSipp } from '#test/support/sipp.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

describe.each(['udp', 'tcp'] as const)('srf app → sip-server → sipp UAS over %s', (transport) => {
  let server: TestSipServer;
  let srf: SrfApp;

  beforeAll(async () => {
    server = await startTestSipServer();
    srf = newSrf();
    await connectSrf(srf, server.admin);
  });
  afterAll(async () => {
    srf.disconnect();
    await server.stop();
  });

  const uas = (scenario: string) => startSipp({ scenario, transport, calls: 1, timeoutSec: 20 });
  const uri = (port: number, user = 'bob') => `sip:${user}@127.0.0.1:${port}${transport === 'tcp' ? ';transport=tcp' : ''}`;

  it('createUAC: the far end answers, the app hangs up', async () => {
    const peer = await uas('uas-answer.xml');
    const dialog = await srf.createUAC(uri(peer.port), { localSdp: APP_SDP });
    expect(dialog.sip.remoteTag).toMatch(/SIPpTag01/);
    expect(dialog.remote.sdp).toContain('m=audio');
    await dialog.destroy();
    const r = await peer.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(server.core.dialogCount).toBe(0);
  });

  it('createUAC: the far end hangs up and the app dialog is destroyed', async () => {
    const peer = await uas('uas-answer-then-bye.xml');
    const dialog = await srf.createUAC(uri(peer.port), { localSdp: APP_SDP });
    const destroyed = new Promise<void>((resolve) => dialog.on('destroy', () => resolve()));
    await destroyed;
    const r = await peer.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
  });

  it('createUAC: a 486 from the far end rejects with status 486, and the non-2xx ACK is the stack\'s', async () => {
    const peer = await uas('uas-reject-486.xml');
    const err = await srf.createUAC(uri(peer.port), { localSdp: APP_SDP }).then(
      () => undefined,
      (e: unknown) => e as { status?: number },
    );
    expect(err?.status).toBe(486);
    const r = await peer.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
  });

  it('createUAC with CANCEL before answer: the far end sees CANCEL and the app gets 487', async () => {
    const peer = await uas('uas-ring-cancel.xml');
    let sent: { cancel(cb?: () => void): void } | undefined;
    const result = srf.createUAC(uri(peer.port), { localSdp: APP_SDP }, { cbRequest: (_err, req) => (sent = req as unknown as typeof sent) });
    // Give the 180 time to arrive so the CANCEL goes out in Proceeding (RFC 3261 §9.1).
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toBeDefined();
    sent?.cancel();
    const err = await result.then(
      () => undefined,
      (e: unknown) => e as { status?: number },
    );
    expect(err?.status).toBe(487);
    const r = await peer.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
  });

  it.each(['OPTIONS', 'MESSAGE', 'INFO'])('srf.request %s gets the far end 200', async (method) => {
    const peer = await uas(`uas-answer-${method.toLowerCase()}.xml`);
    const req = await srf.request(uri(peer.port), method === 'MESSAGE' ? { method, headers: { 'Content-Type': 'text/plain' }, body: 'hé ☎!' } : { method });
    const status = await new Promise<number>((resolve) => req.on('response', (res) => resolve(res?.status ?? 0)));
    expect(status).toBe(200);
    const r = await peer.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
  });

  it('refuses a request to the server itself', async () => {
    const err = await srf.request(`sip:x@${server.sipTarget}`, { method: 'OPTIONS' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/can not send request to myself/);
  });
});
