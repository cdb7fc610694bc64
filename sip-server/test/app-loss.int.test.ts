// App connection loss (issue 8, drachtio spec §5.10): when the drachtio-srf app that owns calls
// disconnects, a pending INVITE gets 480, an in-dialog request for its dialog gets 481 (a BYE also
// ends the dialog), nothing is left behind (transactions, dialogs, pending requests: the sipsrv_*
// gauges on /metrics), and once an app connects again new calls flow. A call whose far end never
// sends anything is ended by the server after SIPSRV_ORPHAN_DIALOG_GRACE_SEC (spec §5.10 recommendation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnsweringApp, type AnsweringApp } from '#test/support/srf-apps/answering-app.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { scrape, until } from './raw-sip-client.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

describe('app connection loss', () => {
  let server: TestSipServer;
  const apps: AnsweringApp[] = [];
  const gauge = async (sample: string): Promise<number | undefined> => scrape(server.service.health.port, sample);
  /** True once the server holds nothing for calls: no transaction, dialog or pending request. */
  const drained = async (): Promise<boolean> => {
    const samples = [
      'sipsrv_transactions{kind="server"}',
      'sipsrv_transactions{kind="client"}',
      'sipsrv_dialogs',
      'sipsrv_app_pending_requests{direction="inbound"}',
      'sipsrv_app_pending_requests{direction="outbound"}',
    ];
    const values = await Promise.all(samples.map(gauge));
    return values.every((v) => v === 0);
  };
  const connectApp = async (): Promise<AnsweringApp> => {
    const app = await startAnsweringApp(server.admin);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    // Short T1/T4 so the transactions of each call end within a second or two (Timers H, I, J, K).
    server = await startTestSipServer({ SIPSRV_T1_MS: '50', SIPSRV_T2_MS: '400', SIPSRV_T4_MS: '500' });
  });
  afterAll(async () => {
    for (const a of apps) a.stop();
    await server.stop();
  });

  it('answers a pending INVITE 480 when its app disconnects, leaks nothing, and a reconnected app takes the next call', async () => {
    const app = await connectApp();
    const caller = await startSipp({ scenario: 'uac-expect-480.xml', target: server.sipTarget, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'ring'] });
    expect(await until(() => app.events.invites === 1, 10_000)).toBe(true);
    expect(await gauge('sipsrv_app_pending_requests{direction="inbound"}')).toBe(1);
    app.stop();
    const r = await caller.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(await until(drained, 10_000)).toBe(true);
    expect(await gauge('sipsrv_app_connections')).toBe(0);

    const again = await connectApp();
    const call = await runSipp({ scenario: 'uac-invite-bye.xml', target: server.sipTarget, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'alice'] });
    expect(call.stats['SuccessfulCall(C)']).toBe('1');
    expect(again.events.answered).toBe(1);
    again.stop();
    expect(await until(drained, 10_000)).toBe(true);
  });

  it('answers 481 to the BYE of a call whose app disconnected mid-call, ends the dialog, and a reconnected app takes the next call', async () => {
    const app = await connectApp();
    const caller = await startSipp({ scenario: 'uac-invite-pause-bye-expect-481.xml', target: server.sipTarget, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'bob'] });
    expect(await until(() => app.events.answered === 1, 10_000)).toBe(true);
    expect(await gauge('sipsrv_dialogs')).toBe(1);
    app.stop(); // during sipp's 1.5 s pause between ACK and BYE
    const r = await caller.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(await until(drained, 10_000)).toBe(true);
    expect(await gauge('sipsrv_app_connections')).toBe(0);

    const again = await connectApp();
    const call = await runSipp({ scenario: 'uac-invite-bye.xml', target: server.sipTarget, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'carol'] });
    expect(call.stats['SuccessfulCall(C)']).toBe('1');
    expect(again.events.answered).toBe(1);
    again.stop();
    expect(await until(drained, 10_000)).toBe(true);
  });
});

describe('orphaned dialog after app connection loss', () => {
  let server: TestSipServer;
  let app: AnsweringApp | undefined;

  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_ORPHAN_DIALOG_GRACE_SEC: '1', SIPSRV_T1_MS: '50', SIPSRV_T2_MS: '400', SIPSRV_T4_MS: '500' });
  });
  afterAll(async () => {
    app?.stop();
    await server.stop();
  });

  it('sends the far end a BYE once the grace period ends (sipp answers it) and forgets the dialog', async () => {
    app = await startAnsweringApp(server.admin);
    // sipp calls, gets 200, ACKs, then only waits (10 s) for a BYE: it never sends anything itself.
    const caller = await startSipp({ scenario: 'uac-invite-remote-bye.xml', target: server.sipTarget, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'dave'] });
    expect(await until(() => app?.events.answered === 1, 10_000)).toBe(true);
    expect(await until(() => server.core.dialogCount === 1, 5_000)).toBe(true);
    const lostAt = Date.now();
    app.stop();
    expect(await until(() => server.core.orphanedDialogCount === 1, 5_000)).toBe(true);
    expect(await scrape(server.service.health.port, 'sipsrv_orphaned_dialogs')).toBe(1);
    const r = await caller.done;
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    // Not before the grace period: the BYE came from the server's timer, not from the app going away.
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(900);
    expect(server.core.dialogCount).toBe(0);
    expect(server.core.orphanedDialogCount).toBe(0);
    expect(await scrape(server.service.health.port, 'sipsrv_orphaned_dialogs')).toBe(0);
  });
});
