// RFC 6665 subscriptions through the sip-server with real peers, over UDP and TCP:
//  - a sipp subscriber → a drachtio-srf notifier app (srf.subscribe + createUAS → 202, NOTIFYs, NOTIFY terminated);
//  - an app-originated SUBSCRIBE (srf.createUAC with method SUBSCRIBE) → a sipp notifier (202, NOTIFY, NOTIFY terminated).
// The server keeps the SUBSCRIBE dialog from the 202 and drops it on the terminating NOTIFY (protocol §4.2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { startNotifierApp, startSubscriberApp, subscribeFromApp, type EventsApp } from '#test/support/srf-apps/events-apps.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond() && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
}

describe.each(['udp', 'tcp'] as const)('SUBSCRIBE/NOTIFY over %s', (transport) => {
  let server: TestSipServer;
  let notifier: EventsApp;
  let subscriber: EventsApp;

  beforeAll(async () => {
    server = await startTestSipServer();
    notifier = await startNotifierApp(server.admin);
    subscriber = await startSubscriberApp(server.admin);
  });
  afterAll(async () => {
    notifier.stop();
    subscriber.stop();
    await server.stop();
  });

  it('sipp subscribes to the srf notifier: 202, two NOTIFYs active, NOTIFY terminated; the dialog is gone afterwards', async () => {
    const before = { ...notifier.events };
    const r = await runSipp({ scenario: 'uac-subscribe-notify.xml', target: server.sipTarget, transport, calls: 1, timeoutSec: 20, extraArgs: ['-s', 'bob'] });
    // sipp checks the 202's Contact and each NOTIFY's Subscription-State/Event (check_it).
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(notifier.events.subscriptions - before.subscriptions).toBe(1);
    expect(notifier.events.notifiesSent - before.notifiesSent).toBe(2);
    await waitFor(() => server.core.dialogCount === 0);
    expect(server.core.dialogCount).toBe(0);
    expect(notifier.events.errors).toEqual([]);
  });

  it('the app subscribes to a sipp notifier (srf.createUAC SUBSCRIBE): NOTIFYs reach the srf dialog until terminated', async () => {
    const uas = await startSipp({ scenario: 'uas-accept-subscribe-notify.xml', transport, calls: 1, timeoutSec: 20 });
    try {
      await subscribeFromApp(subscriber, `sip:presentity@127.0.0.1:${uas.port}${transport === 'tcp' ? ';transport=tcp' : ''}`);
      expect(server.core.dialogCount).toBe(1); // made by the 202 (sipp waits 300 ms before its first NOTIFY)
      const r = await uas.done;
      expect(r.stats['SuccessfulCall(C)']).toBe('1');
    } finally {
      uas.kill();
    }
    expect(subscriber.events.subscriptions).toBe(1);
    expect(subscriber.events.notifyStates).toEqual(['active;expires=60', 'terminated;reason=timeout']);
    // The server drops the dialog on the terminating NOTIFY. (srf 5 itself only emits `destroy` there when
    // the NOTIFY's To URI equals the SUBSCRIBE's To URI — its subscription key — so that is not asserted.)
    await waitFor(() => server.core.dialogCount === 0);
    expect(server.core.dialogCount).toBe(0);
  });
});
