// Several drachtio-srf apps on one server (spec §5.9): new INVITEs are shared round robin among the
// apps that routed `invite`, and each call's in-dialog requests (ACK, BYE) reach the app that owns it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnsweringApp, type AnsweringApp } from '#test/support/srf-apps/answering-app.js';
import { runSipp } from '#test/support/sipp.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

describe('two apps routing invite', () => {
  let server: TestSipServer;
  let apps: AnsweringApp[] = [];

  beforeAll(async () => {
    server = await startTestSipServer();
    apps = [await startAnsweringApp(server.admin), await startAnsweringApp(server.admin)];
  });
  afterAll(async () => {
    for (const a of apps) a.stop();
    await server.stop();
  });

  it('shares 6 calls 3/3 and each app sees BYE for exactly the calls it answered', async () => {
    const r = await runSipp({ scenario: 'uac-invite-bye.xml', target: server.sipTarget, calls: 6, rate: 20, limit: 1, timeoutSec: 30, extraArgs: ['-s', 'carol'] });
    expect(r.stats['SuccessfulCall(C)']).toBe('6');
    expect(apps.map((a) => a.events.answered)).toEqual([3, 3]);
    const start = Date.now();
    while (apps.some((a) => a.events.destroyedByPeer < 3) && Date.now() - start < 3000) await new Promise((res) => setTimeout(res, 20));
    expect(apps.map((a) => a.events.destroyedByPeer)).toEqual([3, 3]);
    expect(apps.flatMap((a) => a.events.errors)).toEqual([]);
  });

  it('keeps serving from the remaining app when one disconnects', async () => {
    apps[0]?.stop();
    await new Promise((res) => setTimeout(res, 100));
    const before = apps[1]?.events.answered ?? 0;
    const r = await runSipp({ scenario: 'uac-invite-bye.xml', target: server.sipTarget, calls: 2, rate: 20, limit: 1, timeoutSec: 30, extraArgs: ['-s', 'carol'] });
    expect(r.stats['SuccessfulCall(C)']).toBe('2');
    expect((apps[1]?.events.answered ?? 0) - before).toBe(2);
  });
});
