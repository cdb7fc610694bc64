// bench:switch-concurrent — how many established calls the switch holds (signalling through
// sip-server and switch, a live rtpengine session and rater reservation per call, no media
// packets), and the memory of sip-server + switch while it does. Calls come from sipp softphones
// at --rate per second up to --calls, are held, then hung up.
// Last line: `concurrent_calls=N rss_mb=M` (N: peak switch_calls_active; M: sip-server + switch RSS then).
//   npm run bench:switch-concurrent [-- --calls 20000 --rate 250 --settle-sec 30]
import { startSipp } from '#test/support/sipp.js';
import { startSwitchBenchStack } from './support/switch-bench-stack.js';
import { benchArgs } from './support/args.js';
import { rssMb } from './support/processes.js';

const args = benchArgs();
const CALLS = Number(args.get('calls') ?? 20_000);
const RATE = Number(args.get('rate') ?? 250);
const SETTLE_SEC = Number(args.get('settle-sec') ?? 30);
/** Calls one rtpengine holds here: 17,000 ports / 4, below its open-files cap (MEDIA-FACTS §1). */
const CALLS_PER_RTPENGINE = 4_000;

async function activeCalls(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^switch_calls_active\{[^}]*\} (\d+)/gm)) sum += Number(m[1]);
  return sum;
}

const rampSec = Math.ceil(CALLS / RATE);
const holdMs = (rampSec + SETTLE_SEC + 20) * 1000;
const stack = await startSwitchBenchStack({ rtpPorts: 17_000, extraRtpengines: Math.max(0, Math.ceil(CALLS / CALLS_PER_RTPENGINE) - 1), rtpTimeoutSec: 3_600 });
const gateway = await startSipp({
  scenario: 'uas-answer.xml',
  localAddress: '127.0.0.2',
  localPort: stack.gatewayPorts[0],
  timeoutSec: 7_200,
  rate: 1,
  extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000'],
});
let peak = 0;
let peakRss = 0;
try {
  const uac = await startSipp({
    scenario: 'uac-softphone-call-bye.xml',
    target: stack.sipTarget,
    keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460018' },
    calls: CALLS,
    rate: RATE,
    limit: CALLS,
    timeoutSec: Math.ceil(holdMs / 1000) + rampSec + 300,
    extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', String(holdMs), '-max_recv_loops', '10000', '-max_sched_loops', '10000'],
  });
  const deadline = Date.now() + (rampSec + SETTLE_SEC) * 1000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5_000));
    const active = await activeCalls(stack.switchHttpPort);
    const rss = rssMb(stack.pids.sip_server) + rssMb(stack.pids.switch);
    process.stdout.write(`bench=switch_concurrent t_s=${Math.round((Date.now() - deadline) / 1000 + rampSec + SETTLE_SEC)} active=${active} sip_server_rss_mb=${rssMb(stack.pids.sip_server).toFixed(0)} switch_rss_mb=${rssMb(stack.pids.switch).toFixed(0)} rater_rss_mb=${rssMb(stack.pids.rater).toFixed(0)}\n`);
    if (active >= peak) {
      peak = active;
      peakRss = rss;
    }
  }
  uac.kill();
  await uac.done.catch(() => undefined);
} finally {
  gateway.kill();
  await stack.stop();
}
process.stdout.write(`node=${process.version} target_calls=${CALLS} rate_cps=${RATE} concurrent_calls=${peak} rss_mb=${peakRss.toFixed(0)}\n`);
