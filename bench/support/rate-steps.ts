// The stepping loop of the call-rate benchmarks: run the load (sipp, or a runner of the bench's own) at a rate for STEP_SEC seconds, check
// that fewer than 0.5 % of calls failed, raise the rate, stop at the first step that does not hold.
import { startSipp, type SippOptions } from '#test/support/sipp.js';
import { cpuPercent, cpuTicks } from './processes.js';

export const MAX_FAIL_RATIO = 0.005;

/** The stepping parameters, whatever generates the load. */
export type StepLoopOptions = {
  name: string;
  start: number;
  factor: number;
  max: number;
  stepSec: number;
  /** Processes whose CPU share is reported, by name. */
  processes: Record<string, number | undefined>;
};

export type StepOptions = StepLoopOptions & {
  /** The UAC sipp of one step, without rate, calls and limit. */
  uac: Omit<SippOptions, 'rate' | 'calls' | 'limit' | 'timeoutSec'>;
};

/** What one step's load generator reports: completed and failed calls, and its own CPU share. */
export type StepOutcome = { ok: number; failed: number; loadCpu: string };

/** Runs `calls` calls at `rate` per second and reports how they went. */
export type StepRunner = (rate: number, calls: number) => Promise<StepOutcome>;

/** Runs the steps with a sipp UAC as the load; see stepRatesWith. */
export function stepRates(o: StepOptions): Promise<{ best: number; cpu: string }> {
  return stepRatesWith(o, (rate, calls) => runSippStep(o, rate, calls));
}

async function runSippStep(o: StepOptions, rate: number, calls: number): Promise<StepOutcome> {
  const t0 = Date.now();
  const uac = await startSipp({ ...o.uac, calls, rate, limit: rate * 10, timeoutSec: o.stepSec * 3 + 30 });
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
  return { ok, failed, loadCpu: `sipp_uac_cpu_pct=${cpuPercent(uacTicks, (Date.now() - t0) / 1000).toFixed(0)}` };
}

/** Runs the steps; prints one key=value line per step and returns the best rate held and its CPU line. */
export async function stepRatesWith(o: StepLoopOptions, run: StepRunner): Promise<{ best: number; cpu: string }> {
  let best = 0;
  let bestCpu = '';
  for (let rate = o.start; rate <= o.max; rate = Math.round(rate * o.factor)) {
    const calls = rate * o.stepSec;
    const before = Object.fromEntries(Object.entries(o.processes).map(([k, pid]) => [k, cpuTicks(pid)]));
    const t0 = Date.now();
    const { ok, failed, loadCpu } = await run(rate, calls);
    const wallSec = (Date.now() - t0) / 1000;
    const shares = Object.entries(o.processes).map(([k, pid]) => `${k}_cpu_pct=${cpuPercent(cpuTicks(pid) - (before[k] ?? 0), wallSec).toFixed(0)}`);
    shares.push(loadCpu);
    // Held: < 0.5 % failed and the step finished in time (the load generator kept the offered rate).
    const held = failed / Math.max(1, calls) < MAX_FAIL_RATIO && ok >= calls * (1 - MAX_FAIL_RATIO) && wallSec < o.stepSec * 1.5 + 12;
    const cpu = shares.join(' ');
    process.stdout.write(`bench=${o.name} step_cps=${rate} calls=${calls} successful=${ok} failed=${failed} wall_s=${wallSec.toFixed(1)} held=${held} ${cpu}\n`);
    if (!held) break;
    best = rate;
    bestCpu = cpu;
  }
  return { best, cpu: bestCpu };
}
