// bench:rate-lookup — longest-prefix lookups per second on one core over a 1,000,000-prefix deck.
// Prints key=value lines; the last line is `lookups_per_s=N` (per CPU-second of the lookup loop) for
// destinations read once by parseDestination (the rater parses a call's destination once and looks it
// up in the price plan and each carrier deck); `string_lookups_per_s` includes that parse per lookup.
import { loadavg } from 'node:os';
import { SystemClock } from '#lib/clock/index.js';
import { PrefixIndex, parseDestination, type DestinationDigits } from '#billing-rater/index/index.js';
import type { Tariff } from '#billing-rater/rating/index.js';

const clock = new SystemClock();
const PREFIXES = Number(process.env['BENCH_PREFIXES'] ?? 1_000_000);
const LOOKUPS = Number(process.env['BENCH_LOOKUPS'] ?? 5_000_000);
const DESTINATIONS = Number(process.env['BENCH_DEST'] ?? 65536);

let seed = 12_345;
function rnd(n: number): number {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
  return seed % n;
}

// Deck shaped like a real one: country codes 1–3 digits, then 1–7 more digits (lengths 2–10).
const rows: Tariff[] = [];
const seen = new Set<string>();
while (rows.length < PREFIXES) {
  let p = String(1 + rnd(9));
  const len = 2 + rnd(9);
  for (let k = 1; k < len; k++) p += String(rnd(10));
  if (seen.has(p)) continue;
  seen.add(p);
  rows.push({
    prefix: p,
    rateMicrosPerMin: 1_000 + rnd(100_000),
    connectFeeMicros: 0,
    initialIncrementSec: 60,
    subsequentIncrementSec: 60,
    currency: 'EUR',
    effectiveFromMs: 0,
    effectiveToMs: null,
    source: { kind: 'cost_deck', id: 'bench', rowId: p },
  });
}
const dest: string[] = [];
for (let i = 0; i < DESTINATIONS; i++) {
  // half the destinations extend a deck prefix, half are random E.164 numbers
  let d = i % 2 === 0 ? (rows[rnd(rows.length)]?.prefix ?? '1') : String(1 + rnd(9));
  while (d.length < 12) d += String(rnd(10));
  dest.push(Buffer.from(`+${d}`, 'latin1').toString('latin1')); // flat string, as read from a SIP message
}
const parsed: DestinationDigits[] = dest.map((d) => parseDestination(d));

const t0 = clock.monotonic();
const index = new PrefixIndex(rows);
const buildMs = clock.monotonic() - t0;

const mask = DESTINATIONS - 1;
let hits = 0;
/** CPU seconds of `LOOKUPS` lookups (the loop allocates nothing, so no GC thread runs) and wall ms. */
function measure(lookup: (i: number) => unknown): { cpuS: number; wallMs: number } {
  for (let i = 0; i < 500_000; i++) if (lookup(i)) hits++; // warm-up
  hits = 0;
  const t1 = clock.monotonic();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < LOOKUPS; i++) if (lookup(i)) hits++;
  const cpu = process.cpuUsage(cpu0);
  return { cpuS: (cpu.user + cpu.system) / 1e6, wallMs: clock.monotonic() - t1 };
}
const fromString = measure((i) => index.lookup(dest[i & mask] ?? '', 1));
const fromDigits = measure((i) => index.lookupDigits(parsed[i & mask] ?? { value: 0, digits: 0 }, 1));
// "on one core": lookups per second of this thread's CPU time; time spent descheduled by other
// processes on the shared machine is not counted.
const perS = Math.round(LOOKUPS / fromDigits.cpuS);
const stringPerS = Math.round(LOOKUPS / fromString.cpuS);
const wallPerS = Math.round(LOOKUPS / (fromDigits.wallMs / 1000));
const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);

process.stdout.write(`bench=rate_lookup prefixes=${index.size} build_ms=${Math.round(buildMs)} lookups=${LOOKUPS} wall_per_s=${wallPerS} string_lookups_per_s=${stringPerS} load1=${(loadavg()[0] ?? NaN).toFixed(2)} hit_ratio=${(hits / LOOKUPS).toFixed(3)} heap_mb=${heapMb} node=${process.version}\n`);
process.stdout.write(`lookups_per_s=${perS}\n`);
