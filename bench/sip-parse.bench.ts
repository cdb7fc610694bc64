// Parse + serialize of a realistic INVITE with SDP on one core. Prints key=value lines; the last is parse_per_s=N.
import { readFileSync } from 'node:fs';
import { parseMessage, serializeMessage } from '#sip-server/message/index.js';

const input = readFileSync(new URL('../test/fixtures/sip/rfc3261-valid-invite-sdp.sip', import.meta.url));

function once(): number {
  const r = parseMessage(input);
  if (!r.ok) throw new Error(`fixture does not parse: ${r.error.reason}`);
  return serializeMessage(r.message).length;
}

function run(iterations: number): number {
  let bytes = 0;
  for (let i = 0; i < iterations; i++) bytes += once();
  return bytes;
}

const WARMUP = 50_000;
const BATCH = 20_000;
const SAMPLES = Number(process.argv[2] ?? 15);
run(WARMUP);
const rates: number[] = [];
const batchUs: number[] = [];
for (let s = 0; s < SAMPLES; s++) {
  const t0 = process.hrtime.bigint();
  run(BATCH);
  const ns = Number(process.hrtime.bigint() - t0);
  rates.push((BATCH * 1e9) / ns);
  batchUs.push(ns / 1e3 / BATCH);
}
rates.sort((a, b) => a - b);
batchUs.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] ?? 0;
process.stdout.write(
  `bench=parse_serialize_invite bytes=${input.length} samples=${SAMPLES} batch=${BATCH} ` +
    `p50_us=${(batchUs[Math.floor(batchUs.length / 2)] ?? 0).toFixed(2)} best_per_s=${Math.round(rates[rates.length - 1] ?? 0)} node=${process.version}\n`,
);
process.stdout.write(`parse_per_s=${Math.round(median)}\n`);
