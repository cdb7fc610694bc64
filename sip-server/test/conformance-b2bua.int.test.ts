// Conformance: sipp UAC → sip-server → drachtio-srf B2BUA app (srf.createB2BUA) → sip-server → sipp UAS.
// Asserts both sipp verdicts and the app's view, over UDP and TCP, and with 10 % packet loss on UDP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startB2buaApp, type B2buaApp } from '#test/support/srf-apps/b2bua-app.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

describe.each(['udp', 'tcp'] as const)('B2BUA both ways over %s', (transport) => {
  defineB2buaSuite(transport, false);
});

// UDP only: sipp -lost 10 on both sides, every call must still complete through retransmissions.
describe('B2BUA over udp with 10 % packet loss', () => {
  defineB2buaSuite('udp', true);
});

function defineB2buaSuite(transport: 'udp' | 'tcp', lossy: boolean): void {
  let server: TestSipServer;
  let app: B2buaApp;
  let target = '';

  beforeAll(async () => {
    server = await startTestSipServer();
    app = await startB2buaApp(server.admin, () => target);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  async function bridge(uasScenario: string, uacScenario: string, opts: { calls?: number; lost?: number } = {}) {
    const calls = opts.calls ?? 1;
    const lost = opts.lost === undefined ? {} : { lostPercent: opts.lost };
    const uas = await startSipp({ scenario: uasScenario, transport, calls, timeoutSec: 60, ...lost });
    target = `127.0.0.1:${uas.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
    try {
      const a = await runSipp({ scenario: uacScenario, target: server.sipTarget, transport, calls, rate: 5, timeoutSec: 60, extraArgs: ['-s', 'bob'], ...lost });
      const b = await uas.done;
      return { a, b };
    } finally {
      uas.kill();
    }
  }

  if (lossy) {
    // The B side's 180 is exempt from loss (uas-answer-reliable-requests.xml) because of a sipp 3.6.1
    // limitation, not a server fault (traced with SIPP_KEEP=1 traces and the server's debug log: 4 of 10
    // runs failed this way before). When sipp loses ("voluntary lost (while sending)") both its 180 and
    // its 200 to one INVITE, our INVITE client transaction is still in Calling and retransmits the
    // INVITE on Timer A after T1 = 500 ms (RFC 3261 §17.1.1.2), byte for byte, as it must. sipp
    // recognises a retransmitted request only by `recv_retrans_hash`, which it overwrites on every send
    // that follows the receive (src/call.cpp, call::executeMessage), so it takes the retransmission for
    // a new INVITE while waiting for ACK, drops the call, and Timer B ends it with 408. With the 180
    // delivered the server leaves Calling, Timer A stops, and sipp's own 200 retransmission (still
    // subject to loss) completes the call.
    it('every call completes', { timeout: 180_000 }, async () => {
      const { a, b } = await bridge('uas-answer-reliable-requests.xml', 'uac-invite-bye-reliable-bye.xml', { calls: 20, lost: 10 });
      expect(a.stats['SuccessfulCall(C)']).toBe('20');
      expect(a.stats['FailedCall(C)']).toBe('0');
      expect(b.stats['SuccessfulCall(C)']).toBe('20');
      // The loss was real: sipp had to retransmit on at least one side.
      expect(Number(a.stats['Retransmissions(C)']) + Number(b.stats['Retransmissions(C)'])).toBeGreaterThan(0);
    });
  }
  if (!lossy) {
    it('A calls, B answers, A hangs up', async () => {
      const before = { ...app.events };
      const { a, b } = await bridge('uas-answer.xml', 'uac-invite-bye.xml');
      expect(a.stats['SuccessfulCall(C)']).toBe('1');
      expect(b.stats['SuccessfulCall(C)']).toBe('1');
      expect(app.events.connected - before.connected).toBe(1);
    });

    it('A calls, B answers, B hangs up', async () => {
      const { a, b } = await bridge('uas-answer-then-bye.xml', 'uac-invite-remote-bye.xml');
      expect(a.stats['SuccessfulCall(C)']).toBe('1');
      expect(b.stats['SuccessfulCall(C)']).toBe('1');
    });

    it('B busy: 486 is relayed to A', async () => {
      const { a, b } = await bridge('uas-reject-486.xml', 'uac-expect-486.xml');
      expect(a.stats['SuccessfulCall(C)']).toBe('1');
      expect(b.stats['SuccessfulCall(C)']).toBe('1');
    });

    it('A cancels while B rings: B sees CANCEL, A gets 487', async () => {
      const { a, b } = await bridge('uas-ring-cancel.xml', 'uac-cancel.xml');
      expect(a.stats['SuccessfulCall(C)']).toBe('1');
      expect(b.stats['SuccessfulCall(C)']).toBe('1');
    });
  }

  it('leaves no dialogs behind', async () => {
    const start = Date.now();
    while (server.core.dialogCount > 0 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(server.core.dialogCount).toBe(0);
    expect(app.events.errors).toEqual([]);
  });
}
