// Parse + serialize of a realistic INVITE with SDP on one core. Prints key=value lines; the last is
// parse_per_s=N (operations per second of CPU time on one core; wall_per_s is also printed).
// modified_cpu_per_s: with a new top Via and Max-Forwards rewritten (a forwarding element);
// accessed_cpu_per_s: with the views the transaction and dialog layers read (see onceAccessed).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { getCallId, getCSeq, getFromTag, getToTag, getTopVia, parseMessage, serializeMessage } from '#sip-server/message/index.js';

const input = readFileSync(new URL('../test/fixtures/sip/rfc3261-valid-invite-sdp.sip', import.meta.url));

function once(): number {
  const r = parseMessage(input);
  if (!r.ok) throw new Error(`fixture does not parse: ${r.error.reason}`);
  return serializeMessage(r.message).length;
}

/** As `once`, plus what a forwarding element does before serializing: new top Via, Max-Forwards - 1. */
function onceModified(): number {
  const r = parseMessage(input);
  if (!r.ok) throw new Error(`fixture does not parse: ${r.error.reason}`);
  const m = r.message;
  m.headers.prepend('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbench1;rport');
  m.headers.set('Max-Forwards', '69');
  return serializeMessage(m).length;
}

/**
 * As `once`, plus the views the transaction and dialog layers read from every message (top Via,
 * CSeq, From and To tags, Call-ID): the parser builds some views only on first use, so this is the
 * figure for a message the server actually handles.
 */
function onceAccessed(): number {
  const r = parseMessage(input);
  if (!r.ok) throw new Error(`fixture does not parse: ${r.error.reason}`);
  const m = r.message;
  const seen = (getTopVia(m)?.branch?.length ?? 0) + (getCSeq(m)?.seq ?? 0) + (getFromTag(m)?.length ?? 0) + (getToTag(m)?.length ?? 0) + (getCallId(m)?.length ?? 0);
  return serializeMessage(m).length + seen;
}

function run(iterations: number, fn: () => number = once): number {
  let bytes = 0;
  for (let i = 0; i < iterations; i++) bytes += fn();
  return bytes;
}

const WARMUP = 50_000;
const BATCH = 20_000;
const SAMPLES = Number(process.argv[2] ?? 15);
run(WARMUP);
run(WARMUP, onceModified);
run(WARMUP, onceAccessed);
// Two clocks per sample: wall time, and this process's CPU time (user + system). On a shared
// machine the wall figure includes time the process waited for a core; the CPU figure is what
// one core does when it runs this code, which is what "per core" asks for.
const wallRates: number[] = [];
const cpuRates: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  run(BATCH);
  const c1 = process.cpuUsage(c0);
  const ns = Number(process.hrtime.bigint() - t0);
  wallRates.push((BATCH * 1e9) / ns);
  cpuRates.push((BATCH * 1e6) / Math.max(1, c1.user + c1.system));
}
const modifiedRates: number[] = [];
for (let s = 0; s < Math.max(3, Math.floor(SAMPLES / 2)); s++) {
  const c0 = process.cpuUsage();
  run(BATCH, onceModified);
  const c1 = process.cpuUsage(c0);
  modifiedRates.push((BATCH * 1e6) / Math.max(1, c1.user + c1.system));
}
const accessedRates: number[] = [];
for (let s = 0; s < Math.max(3, Math.floor(SAMPLES / 2)); s++) {
  const c0 = process.cpuUsage();
  run(BATCH, onceAccessed);
  const c1 = process.cpuUsage(c0);
  accessedRates.push((BATCH * 1e6) / Math.max(1, c1.user + c1.system));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const cpu = median(cpuRates);
process.stdout.write(
  `bench=parse_serialize_invite bytes=${input.length} samples=${SAMPLES} batch=${BATCH} ` +
    `wall_per_s=${Math.round(median(wallRates))} cpu_per_s=${Math.round(cpu)} us_per_op_cpu=${(1e6 / cpu).toFixed(2)} ` +
    `modified_cpu_per_s=${Math.round(median(modifiedRates))} accessed_cpu_per_s=${Math.round(median(accessedRates))} load1=${loadavg()[0]?.toFixed(2)} node=${process.version}\n`,
);
process.stdout.write(`parse_per_s=${Math.round(cpu)}\n`);
