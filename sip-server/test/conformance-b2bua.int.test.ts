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
    // Simulated loss is random and sipp 3.6.1 sometimes cannot recover from a loss it simulated itself
    // (docs/sip-server.md): one run in several ends a call with 408. Retried so that CI measures the
    // server, not sipp's dice; every attempt still asserts all 20 calls complete.
    it('every call completes', { retry: 2, timeout: 180_000 }, async () => {
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
