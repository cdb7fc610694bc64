// SIP over TLS through TransportLayer alone (no transaction layer, no core): a responder answers every
// request with 200 on the same connection. Two cases, each for DURATION_S seconds, clients in the same
// process (their CPU is included):
//   reuse:  CLIENTS TLS connections, each sending OPTIONS → waiting for the 200 → next (connection reuse);
//   fresh:  CLIENTS loops of connect (full TLS handshake) → OPTIONS → 200 → close (like a REGISTER from a
//           phone that reconnects each time; an upper bound for TLS registrations/s through the server).
// Prints key=value lines; the last is tls_options_per_s=N (reuse case).
import { loadavg } from 'node:os';
import { SystemClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, type SipRequest } from '#sip-server/message/index.js';
import { generateSelfSignedCert, parseContacts, TransportLayer, type MessageSource } from '#sip-server/transport/index.js';
import { TlsSipClient } from './support/tls-sip-client.js';

const DURATION_S = Number(process.argv[2] ?? 10);
const CLIENTS = Number(process.argv[3] ?? 20);
const clock = new SystemClock();
const log = createLogger({ service: 'bench', level: 'silent' });

const cert = await generateSelfSignedCert({ clock });
const layer = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=tls'), tls: cert, log });
layer.setUser({
  onRequest(request: SipRequest, source: MessageSource): void {
    layer.sendResponse(createResponse(request, 200, undefined, { toTag: 'b1' }), source).catch(() => undefined);
  },
  onResponse(): void {},
});
const port = layer.listening()[0]?.localPort ?? 0;

/** OPTIONS on `c`, resolved at its 200 (bench/support/tls-sip-client.ts matches it by branch). */
async function transact(c: TlsSipClient): Promise<void> {
  const branch = c.branch();
  const text = `OPTIONS sip:bench@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:${c.localPort};branch=${branch};rport\r\nMax-Forwards: 70\r\nFrom: <sip:c@127.0.0.1>;tag=${branch}\r\nTo: <sip:bench@127.0.0.1>\r\nCall-ID: tlsbench-${branch}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
  await c.request(text, branch);
}

const open = (): Promise<TlsSipClient> => TlsSipClient.open(port, cert.cert);

async function reuseLoop(deadlineMs: number, latencies: number[]): Promise<number> {
  const c = await open();
  let n = 0;
  while (clock.monotonic() < deadlineMs) {
    const t0 = clock.monotonic();
    await transact(c);
    latencies.push(clock.monotonic() - t0);
    n++;
  }
  c.close();
  return n;
}

async function freshLoop(deadlineMs: number): Promise<number> {
  let n = 0;
  while (clock.monotonic() < deadlineMs) {
    const c = await open();
    await transact(c);
    c.close();
    n++;
  }
  return n;
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

async function runCase(name: 'reuse' | 'fresh'): Promise<number> {
  // Warm-up: one second.
  const warm = clock.monotonic() + 1_000;
  await Promise.all(Array.from({ length: CLIENTS }, () => (name === 'reuse' ? reuseLoop(warm, []) : freshLoop(warm))));
  const latencies: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = clock.monotonic();
  const deadline = t0 + DURATION_S * 1_000;
  const counts = await Promise.all(Array.from({ length: CLIENTS }, () => (name === 'reuse' ? reuseLoop(deadline, latencies) : freshLoop(deadline))));
  const wallS = (clock.monotonic() - t0) / 1_000;
  const c1 = process.cpuUsage(c0);
  const total = counts.reduce((a, b) => a + b, 0);
  const perS = Math.round(total / wallS);
  const cpuPct = Math.round(((c1.user + c1.system) / 1e6 / wallS) * 100);
  const lat = name === 'reuse' ? ` p50_ms=${pct(latencies, 0.5).toFixed(2)} p99_ms=${pct(latencies, 0.99).toFixed(2)}` : '';
  process.stdout.write(`bench=tls_${name} clients=${CLIENTS} duration_s=${DURATION_S} transactions=${total} per_s=${perS}${lat} process_cpu_pct=${cpuPct} load1=${loadavg()[0]?.toFixed(2)} node=${process.version}\n`);
  return perS;
}

const fresh = await runCase('fresh');
const reuse = await runCase('reuse');
await layer.close();
process.stdout.write(`tls_new_connections_per_s=${fresh}\n`);
process.stdout.write(`tls_options_per_s=${reuse}\n`);
