// bench:switch-cps — the full call path: sipp softphones (digest auth, SDES-SRTP offer) → sip-server
// → switch (authorization by the rater, rtpengine offer/answer/delete, LCR, CDR) → sipp carrier.
// Each call is answered and held 1 s. Steps the rate up; a step holds with < 0.5 % failed calls.
// Last line: `switch_cps=N` with each process's CPU share.
//   npm run bench:switch-cps [-- --start 50 --factor 1.4 --max 2000 --step-sec 20]
import { startSipp } from '#test/support/sipp.js';
import { stepRates } from './support/rate-steps.js';
import { startSwitchBenchStack } from './support/switch-bench-stack.js';
import { benchArgs } from './support/args.js';

const args = benchArgs();

const stack = await startSwitchBenchStack({ rtpPorts: 16_000 });
const gateway = await startSipp({
  scenario: 'uas-answer.xml',
  localAddress: '127.0.0.2',
  localPort: stack.gatewayPorts[0],
  timeoutSec: 3_600,
  rate: 1,
  extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000'],
});
try {
  const { best, cpu } = await stepRates({
    name: 'switch_cps',
    start: Number(args.get('start') ?? 50),
    factor: Number(args.get('factor') ?? 1.4),
    max: Number(args.get('max') ?? 2_000),
    stepSec: Number(args.get('step-sec') ?? 20),
    uac: {
      scenario: 'uac-softphone-call-bye.xml',
      target: stack.sipTarget,
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460018' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', '1000', '-max_recv_loops', '10000', '-max_sched_loops', '10000'],
    },
    processes: { ...stack.pids, sipp_uas: gateway.pid },
  });
  process.stdout.write(`node=${process.version} hold_ms=1000 ${cpu} switch_cps=${best}\n`);
} finally {
  gateway.kill();
  await stack.stop();
}
