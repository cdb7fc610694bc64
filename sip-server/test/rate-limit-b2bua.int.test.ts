// Issue 8: the per-source rate limit counts only work an outsider creates. A carrier-like peer (sipp,
// one address for both legs) running more calls/s through a drachtio-srf B2BUA than the limit would
// allow if ACK and BYE counted is never banned; its INVITEs alone stay under the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startB2buaApp, type B2buaApp } from '#test/support/srf-apps/b2bua-app.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { scrape } from './raw-sip-client.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

/** Out-of-dialog requests per second allowed from one source (the test's limit). */
const LIMIT = 15;
/** Calls per second: 3 requests each (INVITE, ACK, BYE) = 24 requests/s if in-dialog ones counted. */
const CPS = 8;
const CALLS = 40;

describe('rate limit leaves in-dialog requests out (B2BUA through sipp)', () => {
  let server: TestSipServer;
  let app: B2buaApp;
  let target = '';

  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_RATE_LIMIT_REQUESTS: String(LIMIT), SIPSRV_RATE_LIMIT_WINDOW_MS: '1000', SIPSRV_BAN_SEC: '60' });
    app = await startB2buaApp(server.admin, () => target);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  it(`${CALLS} calls at ${CPS} calls/s (${3 * CPS} requests/s against a limit of ${LIMIT}) all complete without a ban`, { timeout: 120_000 }, async () => {
    const uas = await startSipp({ scenario: 'uas-answer.xml', calls: CALLS, timeoutSec: 60 });
    target = `127.0.0.1:${uas.port}`;
    try {
      const a = await runSipp({ scenario: 'uac-invite-bye.xml', target: server.sipTarget, calls: CALLS, rate: CPS, timeoutSec: 60, extraArgs: ['-s', 'bob'] });
      const b = await uas.done;
      expect(a.stats['SuccessfulCall(C)']).toBe(String(CALLS));
      expect(b.stats['SuccessfulCall(C)']).toBe(String(CALLS));
    } finally {
      uas.kill();
    }
    expect(server.service.sip.guard.isBanned('127.0.0.1')).toBe(false);
    expect(await scrape(server.service.health.port, 'sipsrv_guard_bans_total')).toBe(0);
    expect(app.events.connected).toBe(CALLS);
  });
});
