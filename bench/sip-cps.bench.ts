// bench:sip-cps — sipp UAC → sip-server → drachtio-srf B2BUA app → sipp UAS, all over UDP on loopback.
// Steps the call rate up; a step "holds" when it ran STEP_SEC seconds with < 0.5 % failed calls.
// Prints one line per step and, last, `b2bua_cps=N` (highest rate held) with each process's CPU share.
//   npm run bench:sip-cps [-- --start 100 --factor 1.5 --max 3000 --step-sec 20]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { freePort, projectRoot } from '#lib/local-stack/index.js';
import { startSipp, type SippRun } from '#test/support/sipp.js';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2) args.set((process.argv[i] as string).replace(/^--/, ''), process.argv[i + 1] as string);
const START = Number(args.get('start') ?? 100);
const FACTOR = Number(args.get('factor') ?? 1.5);
const MAX = Number(args.get('max') ?? 3000);
const STEP_SEC = Number(args.get('step-sec') ?? 20);
/** `--profile <dir>`: run sip-server and the app with --cpu-prof into that folder. */
const PROFILE_DIR = args.get('profile');
const MAX_FAIL_RATIO = 0.005;
const root = projectRoot(import.meta.url);
const CLK_TCK = 100;

function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // process gone: counts as no CPU in this window
  }
}

/** Resolves once `port` accepts TCP connections (bounded to ~20 s). */
async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

function startNode(script: string, argv: string[], ready: RegExp | undefined): Promise<ChildProcess> {
  const prof = PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', '--conditions=source', script, ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (ready !== undefined && ready.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`${script} exited early (${String(code)}): ${out.slice(-2000)}`)));
    if (ready === undefined) resolve(child);
  });
}

async function main(): Promise<void> {
  const secret = randomBytes(16).toString('hex');
  const sipPort = await freePort();
  const adminPort = await freePort();
  const httpPort = await freePort();
  const server = await startNode(
    'sip-server/main.ts',
    ['--contact', `sip:127.0.0.1:${sipPort};transport=udp`, '--port', String(adminPort), '--secret', secret, '--loglevel', 'warn', '--http-port', String(httpPort)],
    undefined,
  );
  await waitForPort(adminPort);
  const uas: SippRun = await startSipp({ scenario: 'uas-answer.xml', transport: 'udp', timeoutSec: 3600, rate: 1, extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '4194304'] });
  const app = await startNode('test/support/srf-apps/b2bua-main.ts', [String(adminPort), secret, `127.0.0.1:${uas.port}`], /ready/);
  const procs = { sip_server: server.pid, b2bua_app: app.pid };
  let best = 0;
  let bestCpu = '';
  try {
    for (let rate = START; rate <= MAX; rate = Math.round(rate * FACTOR)) {
      const calls = rate * STEP_SEC;
      const before = { s: cpuTicks(procs.sip_server), a: cpuTicks(procs.b2bua_app), u: cpuTicks(uas.pid) };
      const t0 = Date.now();
      const uac = await startSipp({
        scenario: 'uac-invite-bye.xml',
        target: `127.0.0.1:${sipPort}`,
        transport: 'udp',
        calls,
        rate,
        limit: rate * 10,
        timeoutSec: STEP_SEC * 3 + 30,
        // A call that waits over 10 s for any message counts as failed at once (so a few lost
        // calls do not stretch the step's wall time by Timer B / ACK-timeout tails).
        extraArgs: ['-s', 'bench', '-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '4194304', '-recv_timeout', '10000'],
      });
      // sipp's /proc entry vanishes at exit: sample its CPU ticks while it runs.
      let uacTicks = 0;
      const sampler = setInterval(() => {
        uacTicks = Math.max(uacTicks, cpuTicks(uac.pid));
      }, 500);
      let ok = 0;
      let failed = 0;
      try {
        const r = await uac.done;
        ok = Number(r.stats['SuccessfulCall(C)'] ?? 0);
        failed = Number(r.stats['FailedCall(C)'] ?? 0);
      } catch (err) {
        const r = (err as { result?: { stats: Record<string, string>; errors: string } }).result;
        process.stderr.write(`step ${rate}: ${(r?.errors ?? String(err)).split('\n').slice(0, 6).join('\n')}\n`);
        ok = Number(r?.stats['SuccessfulCall(C)'] ?? 0);
        failed = calls - ok;
      }
      clearInterval(sampler);
      const wallSec = (Date.now() - t0) / 1000;
      const sCpu = ((cpuTicks(procs.sip_server) - before.s) / CLK_TCK / wallSec) * 100;
      const aCpu = ((cpuTicks(procs.b2bua_app) - before.a) / CLK_TCK / wallSec) * 100;
      const uasCpu = ((cpuTicks(uas.pid) - before.u) / CLK_TCK / wallSec) * 100;
      const uacCpu = (uacTicks / CLK_TCK / wallSec) * 100;
      const failRatio = failed / Math.max(1, calls);
      // Held: < 0.5 % failed and the step finished in time (sipp kept the offered rate).
      const held = failRatio < MAX_FAIL_RATIO && ok >= calls * (1 - MAX_FAIL_RATIO) && wallSec < STEP_SEC * 1.5 + 12;
      const cpu = `sip_server_cpu_pct=${sCpu.toFixed(0)} b2bua_app_cpu_pct=${aCpu.toFixed(0)} sipp_uac_cpu_pct=${uacCpu.toFixed(0)} sipp_uas_cpu_pct=${uasCpu.toFixed(0)}`;
      process.stdout.write(`bench=sip_cps step_cps=${rate} calls=${calls} successful=${ok} failed=${failed} wall_s=${wallSec.toFixed(1)} held=${held} ${cpu}\n`);
      if (!held) break;
      best = rate;
      bestCpu = cpu;
    }
  } finally {
    uas.kill();
    app.kill('SIGINT');
    server.kill('SIGTERM');
    // Let the children write their CPU profiles before we exit.
    await new Promise((r) => setTimeout(r, PROFILE_DIR === undefined ? 100 : 3000));
  }
  process.stdout.write(`node=${process.version} step_sec=${STEP_SEC} ${bestCpu} b2bua_cps=${best}\n`);
}

await main();
