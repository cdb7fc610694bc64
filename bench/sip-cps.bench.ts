// bench:sip-cps — sipp UAC → sip-server → drachtio-srf B2BUA app → sipp UAS, all over UDP on loopback.
// Steps the call rate up; a step "holds" when it ran STEP_SEC seconds with < 0.5 % failed calls.
// Prints one line per step and, last, `b2bua_cps=N` (highest rate held) with each process's CPU share.
//   npm run bench:sip-cps [-- --start 100 --factor 1.5 --max 3000 --step-sec 20 --profile DIR]
import { randomBytes } from 'node:crypto';
import { freePort } from '#lib/local-stack/index.js';
import { startSipp } from '#test/support/sipp.js';
import { startNode, waitForPort } from './support/processes.js';
import { stepRates } from './support/rate-steps.js';
import { benchArgs } from './support/args.js';

const args = benchArgs();
const STEP_SEC = Number(args.get('step-sec') ?? 20);
/** `--profile <dir>`: run sip-server and the app with --cpu-prof into that folder. */
const PROFILE_DIR = args.get('profile');
const prof = PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR];
const SIPP_TUNING = ['-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '4194304'];

const secret = randomBytes(16).toString('hex');
const sipPort = await freePort();
const adminPort = await freePort();
const server = await startNode(
  'sip-server/main.ts',
  ['--contact', `sip:127.0.0.1:${sipPort};transport=udp`, '--port', String(adminPort), '--secret', secret, '--loglevel', 'warn', '--http-port', String(await freePort())],
  undefined,
  // sipp sends thousands of requests per second from loopback: exempt it from the per-source rate limit.
  { ...process.env, SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.0/8' },
  prof,
);
await waitForPort(adminPort);
const uas = await startSipp({ scenario: 'uas-answer.xml', transport: 'udp', timeoutSec: 3600, rate: 1, extraArgs: SIPP_TUNING });
const app = await startNode('test/support/srf-apps/b2bua-main.ts', [String(adminPort), secret, `127.0.0.1:${uas.port}`], /ready/, process.env, prof);
try {
  const { best, cpu } = await stepRates({
    name: 'sip_cps',
    start: Number(args.get('start') ?? 100),
    factor: Number(args.get('factor') ?? 1.5),
    max: Number(args.get('max') ?? 3000),
    stepSec: STEP_SEC,
    uac: {
      scenario: 'uac-invite-bye.xml',
      target: `127.0.0.1:${sipPort}`,
      transport: 'udp',
      // A call that waits over 10 s for any message counts as failed at once (so a few lost
      // calls do not stretch the step's wall time by Timer B / ACK-timeout tails).
      extraArgs: ['-s', 'bench', ...SIPP_TUNING, '-recv_timeout', '10000'],
    },
    processes: { sip_server: server.pid, b2bua_app: app.pid, sipp_uas: uas.pid },
  });
  process.stdout.write(`node=${process.version} step_sec=${STEP_SEC} ${cpu} b2bua_cps=${best}\n`);
} finally {
  uas.kill();
  app.kill('SIGINT');
  server.kill('SIGTERM');
  // Let the children write their CPU profiles before we exit.
  await new Promise((r) => setTimeout(r, PROFILE_DIR === undefined ? 100 : 3000));
}
