// The drachtio `proxy` verb (protocol §6, RFC 3261 §16): sipp UAC → sip-server → drachtio-srf app
// calling srf.proxyRequest → sip-server forwards to sipp UASs. Asserts every sipp's verdict and
// counters, what srf resolved proxyRequest with, and what the server forwarded in the dialog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSrf, newSrf } from '#test/support/srf-apps/srf-view.js';
import { startProxyApp, waitForResults, type ProxyApp, type ProxyPlanForCall } from '#test/support/srf-apps/proxy-app.js';
import { runSipp, startSipp, type SippResult, type SippRun } from '#test/support/sipp.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

type Uas = { scenario: string; keys?: Record<string, string> };

describe.each(['udp', 'tcp'] as const)('srf.proxyRequest through the server (%s)', (transport) => {
  let server: TestSipServer;
  let app: ProxyApp;
  let plan: ProxyPlanForCall = { destinations: [], options: {} };
  const suffix = transport === 'tcp' ? ';transport=tcp' : '';

  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_CDRS: 'true' });
    app = await startProxyApp(server.admin, () => plan);
  });
  afterAll(async () => {
    app.stop();
    await server.stop();
  });

  /** Starts the UASs (in order), points the app at them, runs the UAC, and collects every verdict. */
  async function proxyCall(uasList: Uas[], uacScenario: string, makePlan: (targets: string[]) => ProxyPlanForCall) {
    const runs: SippRun[] = [];
    try {
      for (const u of uasList) runs.push(await startSipp({ scenario: u.scenario, transport, calls: 1, timeoutSec: 30, ...(u.keys ? { keys: u.keys } : {}) }));
      plan = makePlan(runs.map((r) => `127.0.0.1:${r.port}${suffix}`));
      const resultsBefore = app.events.results.length;
      const uac = await runSipp({ scenario: uacScenario, target: server.sipTarget, transport, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'bob'] });
      const uas: SippResult[] = [];
      for (const r of runs) uas.push(await r.done);
      await waitForResults(app, resultsBefore + 1);
      const results = app.events.results[resultsBefore];
      return { uac, uas, results };
    } finally {
      for (const r of runs) r.kill();
    }
  }

  const statuses = (r: { responses: { msgs: { status: number }[] }[] } | undefined): number[] => (r?.responses ?? []).flatMap((x) => x.msgs.map((m) => m.status));

  it('serial failover: the first target answers 503, the second answers the call', async () => {
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-reject-503.xml' }, { scenario: 'uas-answer-record-route.xml' }], 'uac-invite-bye-routed.xml', (t) => ({
      destinations: t,
      options: { remainInDialog: true },
    }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1'); // got the INVITE, sent 503, got its ACK
    expect(uas[1]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(results?.connected).toBe(true);
    expect(results?.finalStatus).toBe(200);
    expect(statuses(results)).toEqual([503, 200]);
  });

  it('simultaneous forking: one branch answers, the ringing branch gets CANCEL', async () => {
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-ring-cancel.xml' }, { scenario: 'uas-answer-record-route.xml' }], 'uac-invite-bye-routed.xml', (t) => ({
      destinations: t,
      options: { forking: 'simultaneous', remainInDialog: true },
    }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    // uas-ring-cancel succeeds only after INVITE → 180 → CANCEL → 200 → 487 → ACK.
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas[0]!.stats['FailedCall(C)']).toBe('0');
    expect(uas[1]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(results?.finalStatus).toBe(200);
    expect(statuses(results)).toContain(200);
  });

  it('302 is followed to the Contact target (followRedirects)', async () => {
    const runs: SippRun[] = [];
    try {
      // The redirect target must be listening before the 302 names its port.
      const answering = await startSipp({ scenario: 'uas-answer-record-route.xml', transport, calls: 1, timeoutSec: 30 });
      runs.push(answering);
      const redirecting = await startSipp({ scenario: 'uas-redirect-302.xml', transport, calls: 1, timeoutSec: 30, keys: { redirect_port: String(answering.port) } });
      runs.push(redirecting);
      plan = { destinations: [`127.0.0.1:${redirecting.port}${suffix}`], options: { followRedirects: true, remainInDialog: true } };
      const before = app.events.results.length;
      const uac = await runSipp({ scenario: 'uac-invite-bye-routed.xml', target: server.sipTarget, transport, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'bob'] });
      const r302 = await redirecting.done;
      const r200 = await answering.done;
      await waitForResults(app, before + 1);
      expect(uac.stats['SuccessfulCall(C)']).toBe('1');
      expect(r302.stats['SuccessfulCall(C)']).toBe('1');
      expect(r200.stats['SuccessfulCall(C)']).toBe('1');
      expect(statuses(app.events.results[before])).toEqual([302, 200]);
    } finally {
      for (const r of runs) r.kill();
    }
  });

  it('remainInDialog: Record-Route is added and ACK and BYE pass through the server', async () => {
    const before = server.service.sip.proxy.stats.inDialog;
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-answer-record-route.xml' }], 'uac-invite-bye-routed.xml', (t) => ({
      destinations: t,
      options: { recordRoute: true },
    }));
    // Both sipps check the Record-Route (;lr); the callee checks that ACK and BYE carry the proxy's Via.
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(results?.finalStatus).toBe(200);
    const after = server.service.sip.proxy.stats.inDialog;
    expect(after.acks - before.acks).toBe(1);
    expect(after.requests - before.requests).toBe(1); // the BYE
  });

  it('remainInDialog: the callee hangs up, its BYE reaches the caller through the server', async () => {
    const before = server.service.sip.proxy.stats.inDialog;
    const { uac, uas } = await proxyCall([{ scenario: 'uas-answer-record-route-then-bye.xml' }], 'uac-invite-routed-remote-bye.xml', (t) => ({
      destinations: t,
      options: { remainInDialog: true },
    }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1'); // the caller checked two Vias on the BYE
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1'); // and the callee got the 200 back
    const after = server.service.sip.proxy.stats.inDialog;
    expect(after.requests - before.requests).toBe(1);
  });

  it('provisional timeout: a target that sends nothing is left for the next one', async () => {
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-silent.xml' }, { scenario: 'uas-answer-record-route.xml' }], 'uac-invite-bye-routed.xml', (t) => ({
      destinations: t,
      options: { provisionalTimeout: '1s', remainInDialog: true },
    }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1'); // the INVITE reached the silent target first
    expect(uas[1]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(statuses(results)).toEqual([200]);
  });

  it('every target fails: the best final response (486 over 503) goes upstream', async () => {
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-reject-503.xml' }, { scenario: 'uas-reject-486.xml' }], 'uac-expect-486.xml', (t) => ({
      destinations: t,
      options: {},
    }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas.map((u) => u.stats['SuccessfulCall(C)'])).toEqual(['1', '1']);
    expect(results?.connected).toBe(false);
    expect(statuses(results)).toEqual([503, 486]);
  });

  it('finalTimeout: a target that rings too long is CANCELled and the next one answers', async () => {
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-ring-cancel.xml' }, { scenario: 'uas-answer-record-route.xml' }], 'uac-invite-bye-routed.xml', (t) => ({
      destinations: t,
      options: { finalTimeout: '1s', remainInDialog: true },
    }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1'); // 180, then CANCEL → 200 → 487 → ACK
    expect(uas[1]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(results?.finalStatus).toBe(200);
  });

  it('CANCEL from the caller reaches the ringing target; the caller gets its 487', async () => {
    const { uac, uas, results } = await proxyCall([{ scenario: 'uas-ring-cancel-invite-via.xml' }], 'uac-cancel.xml', (t) => ({ destinations: t, options: {} }));
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    expect(uas[0]!.stats['SuccessfulCall(C)']).toBe('1');
    expect(results?.connected).toBe(false);
    expect(statuses(results)).toEqual([487]);
  });

  it('reports CDRs for a proxied call: attempt per branch, start for the 2xx, stop for the failed branch and the BYE', async () => {
    const cdrApp = newSrf() as unknown as { on(ev: string, fn: (...a: unknown[]) => void): void; disconnect(): void };
    const seen: string[] = [];
    cdrApp.on('cdr:attempt', (source) => seen.push(`attempt/${String(source)}`));
    cdrApp.on('cdr:start', (source, _t, role) => seen.push(`start/${String(source)}/${String(role)}`));
    cdrApp.on('cdr:stop', (source, _t, reason) => seen.push(`stop/${String(source)}/${String(reason)}`));
    await connectSrf(cdrApp as never, server.admin);
    try {
      await new Promise((r) => setTimeout(r, 100)); // let the route frames land
      const { uac } = await proxyCall([{ scenario: 'uas-reject-503.xml' }, { scenario: 'uas-answer-record-route.xml' }], 'uac-invite-bye-routed.xml', (t) => ({
        destinations: t,
        options: { remainInDialog: true },
      }));
      expect(uac.stats['SuccessfulCall(C)']).toBe('1');
      const start = Date.now();
      while (seen.length < 7 && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([
        'attempt/network',
        'attempt/application',
        'stop/network/call-rejected',
        'attempt/application',
        'start/network/proxy-uac',
        'start/application/proxy-uas',
        'stop/network/normal-release',
      ]);
    } finally {
      cdrApp.disconnect();
    }
  });

  it('proxying to the R-URI (our own address) is refused: NOK to the app, 500 to the caller', async () => {
    plan = { destinations: [], options: {} };
    const before = app.events.errors.length;
    const uac = await runSipp({ scenario: 'uac-expect-500.xml', target: server.sipTarget, transport, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'bob'] });
    expect(uac.stats['SuccessfulCall(C)']).toBe('1');
    await waitForResults(app, app.events.results.length + before + 1);
    expect(app.events.errors.splice(before)).toEqual(['error proxying request: no usable destination']);
  });

  it('leaves no proxy sessions behind and reports no app errors', async () => {
    const start = Date.now();
    while (server.service.sip.proxy.stats.sessions > 0 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(server.service.sip.proxy.stats.sessions).toBe(0);
    expect(app.events.errors).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${server.service.health.port}/metrics`)).text();
    expect(metrics).toMatch(/^sipsrv_proxy_sessions 0$/m);
    const acks = /^sipsrv_proxy_in_dialog_forwarded_total\{kind="ack"\} (\d+)$/m.exec(metrics);
    expect(Number(acks?.[1])).toBeGreaterThanOrEqual(6); // one per answered, record-routed call above
  });
});
