// bench:sip-dialogs — how many established dialogs the sip-server holds through a drachtio-srf B2BUA
// app, and the memory of both processes while it does. sipp UAC → sip-server → B2BUA app (its own
// process) → sipp UAS, all UDP on loopback, no media. Calls are set up at --rate per second up to
// --calls, held (`-d`, long enough for the whole ramp plus --settle-sec), then hung up by the UAC at
// the same rate; the bench waits until the server's dialog table is empty again (clean teardown).
// Each bridged call is two dialogs in the server (the app's UAS leg and its UAC leg).
// Last line: `calls=N dialogs=N rss_mb=M` (peak sipsrv_dialogs; sip-server + app RSS at that peak).
//   npm run bench:sip-dialogs [-- --calls 20000 --rate 200 --settle-sec 40 --heap-dir DIR]
import { randomBytes } from 'node:crypto';
import { freePort } from '#lib/local-stack/index.js';
import { startSipp, type SippResult } from '#test/support/sipp.js';
import { benchArgs } from './support/args.js';
import { rssMb, startNode, waitForPort } from './support/processes.js';

const args = benchArgs();
/** 20,000 bridged calls (the issue's goal counted from the callers' side) are 40,000 dialogs in the server. */
const CALLS = Number(args.get('calls') ?? 20_000);
const RATE = Number(args.get('rate') ?? 200);
// Over 64·T1 = 32 s, so the INVITE transactions of the last calls have left the Accepted state (RFC 6026).
const SETTLE_SEC = Number(args.get('settle-sec') ?? 40);
/** `--heap-dir <dir>`: the sip-server writes a V8 heap snapshot there at the peak (to see what a dialog costs). */
const HEAP_DIR = args.get('heap-dir');
const heapArgs = HEAP_DIR === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir', HEAP_DIR];
const SIPP_TUNING = ['-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '4194304'];

/** sipsrv_dialogs from the server's /metrics. */
async function serverDialogs(httpPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return Number(/^sipsrv_dialogs (\d+)/m.exec(text)?.[1] ?? 0);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const secret = randomBytes(16).toString('hex');
const sipPort = await freePort();
const adminPort = await freePort();
const httpPort = await freePort();
const server = await startNode(
  'sip-server/main.ts',
  ['--contact', `sip:127.0.0.1:${sipPort};transport=udp`, '--port', String(adminPort), '--secret', secret, '--loglevel', 'warn', '--http-port', String(httpPort)],
  undefined,
  // sipp sends hundreds of requests per second from loopback: exempt it from the per-source rate limit.
  { ...process.env, SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.0/8' },
  heapArgs,
);
await waitForPort(adminPort);
const rampSec = Math.ceil(CALLS / RATE);
// Twice the ramp as slack: on a busy machine sipp may fall behind the offered rate.
const holdMs = (2 * rampSec + SETTLE_SEC + 10) * 1000;
// The built-in UAS waits for the BYE without a timeout (uas-answer.xml gives up after 20 s).
const uas = await startSipp({ scenario: 'builtin:uas', timeoutSec: 7_200, rate: 1, extraArgs: SIPP_TUNING });
const app = await startNode('test/support/srf-apps/b2bua-main.ts', [String(adminPort), secret, `127.0.0.1:${uas.port}`], /ready/);
let peak = 0;
let peakRss = { server: 0, app: 0 };
let after = -1;
let failedCalls = 0;
try {
  const baseline = { server: rssMb(server.pid), app: rssMb(app.pid) };
  process.stdout.write(`bench=sip_dialogs phase=idle sip_server_rss_mb=${baseline.server.toFixed(0)} b2bua_app_rss_mb=${baseline.app.toFixed(0)}\n`);
  // The built-in UAC holds each call for -d ms, then sends BYE.
  const uac = await startSipp({
    scenario: 'builtin:uac',
    target: `127.0.0.1:${sipPort}`,
    calls: CALLS,
    rate: RATE,
    limit: CALLS,
    timeoutSec: Math.ceil(holdMs / 1000) + rampSec + 300,
    extraArgs: ['-s', 'bench', '-d', String(holdMs), ...SIPP_TUNING],
  });
  const t0 = Date.now();
  // Sample until every call has been up for SETTLE_SEC, or until just before the first BYEs are due.
  const lastSampleAt = t0 + holdMs - 8_000;
  let allUpAt: number | undefined;
  while (Date.now() < lastSampleAt && (allUpAt === undefined || Date.now() - allUpAt < SETTLE_SEC * 1000)) {
    await sleep(5_000);
    const dialogs = await serverDialogs(httpPort);
    const rss = { server: rssMb(server.pid), app: rssMb(app.pid) };
    process.stdout.write(`bench=sip_dialogs t_s=${Math.round((Date.now() - t0) / 1000)} dialogs=${dialogs} sip_server_rss_mb=${rss.server.toFixed(0)} b2bua_app_rss_mb=${rss.app.toFixed(0)}\n`);
    if (dialogs >= 2 * CALLS && allUpAt === undefined) allUpAt = Date.now();
    // The peak dialog count, and the highest memory seen while at it.
    if (dialogs > peak || (dialogs === peak && rss.server + rss.app > peakRss.server + peakRss.app)) {
      peak = dialogs;
      peakRss = rss;
    }
  }
  if (HEAP_DIR !== undefined) {
    server.kill('SIGUSR2');
    process.stdout.write(`bench=sip_dialogs phase=heap_snapshot dir=${HEAP_DIR}\n`);
  }
  // A few calls may fail on a loaded machine (sipp then exits non-zero): report them, do not abort.
  const result = await uac.done.catch((err: unknown) => (err as { result?: SippResult }).result);
  failedCalls = Number(result?.stats['FailedCall(C)'] ?? CALLS);
  process.stdout.write(`bench=sip_dialogs phase=uac_done successful=${result?.stats['SuccessfulCall(C)'] ?? '?'} failed=${failedCalls}\n`);
  // Clean teardown: every dialog gone from the server (bounded wait).
  for (let i = 0; i < 60 && after !== 0; i++) {
    after = await serverDialogs(httpPort);
    if (after !== 0) await sleep(1_000);
  }
} finally {
  uas.kill();
  app.kill('SIGTERM');
  server.kill('SIGTERM');
}
const rss = peakRss.server + peakRss.app;
process.stdout.write(
  `node=${process.version} rate_cps=${RATE} sip_server_rss_mb=${peakRss.server.toFixed(0)} b2bua_app_rss_mb=${peakRss.app.toFixed(0)} failed_calls=${failedCalls} dialogs_after=${after} calls=${Math.floor(peak / 2)} dialogs=${peak} rss_mb=${rss.toFixed(0)}\n`,
);
