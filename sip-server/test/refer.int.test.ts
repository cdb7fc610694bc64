// RFC 3515 REFER inside an established call, through the sip-server with real peers (UDP and TCP):
// sipp calls a drachtio-srf app, then sends REFER in the call; the server routes it to the app that owns
// the dialog (dialog.on('refer')), which answers 202 and reports progress with NOTIFY message/sipfrag
// (100 Trying, then 200 OK with Subscription-State terminated) — the REFER's implicit subscription lives
// in the INVITE dialog, so the call survives the terminating NOTIFY and ends with sipp's BYE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from '#test/support/sipp.js';
import { startReferAcceptingApp, type EventsApp } from '#test/support/srf-apps/events-apps.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond() && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
}

describe.each(['udp', 'tcp'] as const)('REFER in a call over %s', (transport) => {
  let server: TestSipServer;
  let app: EventsApp;

  beforeAll(async () => {
    server = await startTestSipServer();
    app = await startReferAcceptingApp(server.admin);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  it('reaches the owning app, which answers 202 and sends NOTIFY sipfrag 100 then 200 (terminated); the call then ends normally', async () => {
    const before = { ...app.events, refers: [...app.events.refers] };
    const r = await runSipp({ scenario: 'uac-invite-refer-bye.xml', target: server.sipTarget, transport, calls: 1, timeoutSec: 20, extraArgs: ['-s', 'bob'] });
    // sipp checks Event: refer, Content-Type message/sipfrag, the sipfrag status lines and the states (check_it).
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.refers.slice(before.refers.length)).toEqual([`<sip:carol@127.0.0.1:${server.sipPort}>`]);
    expect(app.events.notifiesSent - before.notifiesSent).toBe(2);
    await waitFor(() => app.events.ended - before.ended === 1);
    expect(app.events.ended - before.ended).toBe(1); // sipp's BYE, not the NOTIFY, ended the call
    await waitFor(() => server.core.dialogCount === 0);
    expect(server.core.dialogCount).toBe(0);
    expect(app.events.errors).toEqual([]);
  });
});
