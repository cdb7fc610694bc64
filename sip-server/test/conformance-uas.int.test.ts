// Conformance: sipp calls an answering drachtio-srf app through the sip-server (UDP and TCP).
// Each test asserts what sipp saw (exit status 0 and its call counters) and what the app saw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnsweringApp, type AnsweringApp } from '#test/support/srf-apps/answering-app.js';
import { runSipp } from '#test/support/sipp.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

describe.each(['udp', 'tcp'] as const)('sipp UAC → sip-server → srf answering app over %s', (transport) => {
  let server: TestSipServer;
  let app: AnsweringApp;

  beforeAll(async () => {
    server = await startTestSipServer();
    app = await startAnsweringApp(server.admin);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  const call = (scenario: string, service: string, extra: { calls?: number } = {}) =>
    runSipp({ scenario, target: server.sipTarget, transport, calls: extra.calls ?? 1, timeoutSec: 20, extraArgs: ['-s', service] });

  it('reports our hostports to the app', () => {
    expect(app.hostports).toBe(`udp/127.0.0.1:${server.sipPort},tcp/127.0.0.1:${server.sipPort}`);
  });

  it('basic call: createUAS answers, caller hangs up', async () => {
    const before = { ...app.events };
    const r = await call('uac-invite-bye.xml', 'alice');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.answered - before.answered).toBe(1);
    expect(app.events.destroyedByPeer - before.destroyedByPeer).toBe(1);
  });

  it('BYE from the app side reaches the caller', async () => {
    const before = { ...app.events };
    const r = await call('uac-invite-remote-bye.xml', 'hangup');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    await waitFor(() => app.events.destroyedByApp - before.destroyedByApp === 1);
  });

  it('CANCEL before answer: 200 to CANCEL, 487 to INVITE, app gets cancel', async () => {
    const before = { ...app.events };
    const r = await call('uac-cancel.xml', 'ring');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    await waitFor(() => app.events.cancels - before.cancels === 1);
  });

  it.each([404, 486, 503])('final %i from the app reaches the caller', async (code) => {
    const r = await call(`uac-expect-${code}.xml`, String(code));
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
  });

  it('re-INVITE inside the call is answered by the app', async () => {
    const before = { ...app.events };
    const r = await call('uac-reinvite.xml', 'alice');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.reinvites - before.reinvites).toBe(1);
  });

  it('INFO inside the call is answered by the app', async () => {
    const before = { ...app.events };
    const r = await call('uac-info.xml', 'alice');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.infos - before.infos).toBe(1);
  });

  it('OPTIONS and MESSAGE are answered by srf.options / srf.message', async () => {
    const before = { ...app.events };
    expect((await call('uac-options.xml', 'ping')).stats['SuccessfulCall(C)']).toBe('1');
    expect((await call('uac-message.xml', 'bob')).stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.options - before.options).toBe(1);
    expect(app.events.messages - before.messages).toBe(1);
  });

  it('REGISTER is challenged with 401 by digest middleware, then accepted', async () => {
    const before = { ...app.events };
    const r = await call('uac-register-auth.xml', 'sipp');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.registered - before.registered).toBe(1);
  });

  it('leaves no dialogs or pending transactions behind', async () => {
    await waitFor(() => server.core.dialogCount === 0 && server.core.pendingCounts.inbound === 0);
    expect(app.events.errors).toEqual([]);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
