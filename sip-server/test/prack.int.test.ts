// RFC 3262 (PRACK / 100rel) and RFC 3311 (early UPDATE) through the sip-server with real peers:
//  - sipp UAC (Require: 100rel) → srf.createB2BUA → sipp UAS sending a reliable 183: PRACK on both legs
//    (the app asks for the reliable relay to A, see test/support/srf-apps/rel100-apps.ts);
//  - the same with an UPDATE in the early dialog, answered by the B2BUA;
//  - a caller without 100rel through the same B2BUA: only the B leg uses PRACK, the call completes;
//  - sipp UAC → srf UAS ringing reliably: the server retransmits the unPRACKed 180 until a late PRACK;
//  - a caller without 100rel: the app's reliable 180 is refused (NOK) and the app answers plainly;
//  - an UPDATE inside the established call (RFC 3311).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, startSipp, type SippResult } from '#test/support/sipp.js';
import { startRel100B2buaApp, startReliableRingingApp, type Rel100App } from '#test/support/srf-apps/rel100-apps.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond() && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
}

/** sipp's final screen lists, per scenario line, messages and retransmissions: `180 <---------- 1 2 …`. */
function receivedRetransmissions(r: SippResult, message: string): number {
  const screens = r.stdout.split(/-{20,} Scenario Screen/).at(-1) ?? '';
  const line = screens.split('\n').find((l) => new RegExp(`^\\s*${message}\\s+<-+`).test(l));
  const counts = line?.replace(/^.*<-+/, '').trim().split(/\s+/).map(Number) ?? [];
  return counts[1] ?? -1;
}

describe.each(['udp', 'tcp'] as const)('PRACK both ways through a drachtio-srf B2BUA over %s', (transport) => {
  let server: TestSipServer;
  let app: Rel100App;
  let target = '';

  beforeAll(async () => {
    server = await startTestSipServer();
    app = await startRel100B2buaApp(server.admin, () => target);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  async function bridge(uacScenario: string) {
    const uas = await startSipp({ scenario: 'uas-100rel-183-answer.xml', transport, calls: 1, timeoutSec: 30 });
    target = `127.0.0.1:${uas.port}${transport === 'tcp' ? ';transport=tcp' : ''}`;
    try {
      const a = await runSipp({ scenario: uacScenario, target: server.sipTarget, transport, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'bob'] });
      const b = await uas.done;
      return { a, b };
    } finally {
      uas.kill();
    }
  }

  it('B sends a reliable 183, the B2BUA PRACKs it and relays it reliably to A, who PRACKs; the call completes', async () => {
    const before = { ...app.events };
    const { a, b } = await bridge('uac-100rel-prack-bye.xml');
    // Both sipps check RSeq/Require on the 183 and RAck on the PRACK (check_it), and count a successful call.
    expect(a.stats['SuccessfulCall(C)']).toBe('1');
    expect(a.stats['FailedCall(C)']).toBe('0');
    expect(b.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.answered - before.answered).toBe(1);
    // A's BYE ends the A leg (srf emits destroy for a remote BYE only); the app's BYE to B ended B's sipp.
    await waitFor(() => app.events.ended - before.ended === 1);
    expect(app.events.ended - before.ended).toBe(1);
  });

  it('an UPDATE in the early dialog reaches the B2BUA, which answers it with its current SDP', async () => {
    const { a, b } = await bridge('uac-100rel-prack-update-bye.xml');
    // The UAC checks the UPDATE's 200: CSeq UPDATE, an SDP body and a Contact (RFC 3311 §5.2).
    expect(a.stats['SuccessfulCall(C)']).toBe('1');
    expect(b.stats['SuccessfulCall(C)']).toBe('1');
  });

  it('A without 100rel: B\'s reliable 183 is PRACKed on the B leg only, relayed to A unreliably, and the call completes', async () => {
    const before = { ...app.events };
    const { a, b } = await bridge('uac-invite-bye.xml');
    expect(a.stats['SuccessfulCall(C)']).toBe('1');
    expect(b.stats['SuccessfulCall(C)']).toBe('1'); // B's sipp checked the RAck of the B2BUA's PRACK
    expect(app.events.answered - before.answered).toBe(1);
  });

  it('leaves no dialogs or pending transactions behind', async () => {
    await waitFor(() => server.core.dialogCount === 0);
    expect(server.core.dialogCount).toBe(0);
    expect(server.core.pendingCounts.inbound).toBe(0);
    expect(app.events.errors).toEqual([]);
  });
});

describe.each(['udp', 'tcp'] as const)('drachtio-srf UAS ringing reliably over %s', (transport) => {
  let server: TestSipServer;
  let app: Rel100App;

  beforeAll(async () => {
    server = await startTestSipServer();
    app = await startReliableRingingApp(server.admin);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  const call = (scenario: string) => runSipp({ scenario, target: server.sipTarget, transport, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'alice'] });

  it('the unPRACKed 180 is retransmitted (UDP) until the caller PRACKs 1.7 s later; the app answers after the PRACK', async () => {
    const before = { ...app.events };
    const r = await call('uac-100rel-slow-prack-bye.xml');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.pracks - before.pracks).toBe(1);
    expect(app.events.answered - before.answered).toBe(1);
    await waitFor(() => app.events.ended - before.ended === 1);
    expect(app.events.ended - before.ended).toBe(1);
    // RFC 3262 §3: on UDP at T1 = 500 ms and 1.5 s before the PRACK; never on TCP (reliable transport).
    expect(receivedRetransmissions(r, '180')).toBe(transport === 'udp' ? 2 : 0);
  });

  it('a caller without 100rel: the reliable 180 is refused with NOK and the app answers with a plain 200', async () => {
    const before = { ...app.events, refusals: [...app.events.refusals] };
    const r = await call('uac-invite-bye.xml');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect(app.events.refusals.slice(before.refusals.length)).toEqual(['Remote endpoint does not support 100rel']);
    expect(app.events.pracks - before.pracks).toBe(0);
    expect(app.events.answered - before.answered).toBe(1);
  });

  it('an UPDATE inside the established call gets the app\'s 200 with SDP and our Contact (RFC 3311 §5.2)', async () => {
    const before = { ...app.events };
    const r = await call('uac-invite-update-bye.xml');
    expect(r.stats['SuccessfulCall(C)']).toBe('1'); // sipp checks CSeq UPDATE, SDP and Contact on the 200
    expect(app.events.answered - before.answered).toBe(1);
  });

  it('leaves no dialogs behind', async () => {
    await waitFor(() => server.core.dialogCount === 0);
    expect(server.core.dialogCount).toBe(0);
    expect(app.events.errors).toEqual([]);
  });
});
