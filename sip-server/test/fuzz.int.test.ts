// Fuzz test (issue 8): ≥ 100,000 mutated and truncated SIP messages over UDP and TCP at the real
// sip-server (its own process, a drachtio-srf app attached), then a normal sipp call must still
// complete, no transaction or dialog may be left once the timers ran, and the server's RSS may not
// grow by more than RSS_GROWTH_BOUND_MB. Seeded and reproducible: FUZZ_SEED=<n> replays a run
// (the seed is printed). Takes ~30–60 s on the shared CI machine.
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#lib/local-stack/index.js';
import { runSipp } from '#test/support/sipp.js';
import { APP_SDP, connectSrf, newSrf, type SrfApp } from '#test/support/srf-apps/srf-view.js';
import { startChildSipServer, type ChildSipServer } from './child-sip-server.js';
import { scrape, until } from './raw-sip-client.js';
import { mutate, Prng, reframe } from './sip-mutator.js';

const UDP_CASES = 70_000;
const TCP_CASES = 30_000;
const WARMUP_CASES = 3_000;
/** Datagrams sent but not yet parsed by the server, at most (flow control). */
const UDP_IN_FLIGHT = 2_000;
/** Growth of the server's resident memory allowed from after the warm-up to after the fuzz run. */
const RSS_GROWTH_BOUND_MB = 64;
const SEED = Number(process.env['FUZZ_SEED'] ?? randomInt(1, 2 ** 31));
/** The only R-URI user the app answers 200 (no fuzz case contains it): fuzzed INVITEs get 404. */
const NORMAL_CALL_USER = `normal${SEED}`;

/** Seed messages: the RFC 3261 / RFC 4475 fixtures plus our own, every address rewritten to the fuzzer's. */
function seedMessages(self: string, server: string): Buffer[] {
  const dir = join(projectRoot(import.meta.url), 'test', 'fixtures', 'sip');
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.sip'))
    .map((f) => readFileSync(join(dir, f), 'latin1'));
  const own = [
    `OPTIONS sip:fuzz@${server} SIP/2.0\r\nVia: SIP/2.0/UDP ${self};branch=z9hG4bKf1;rport\r\nMax-Forwards: 70\r\nFrom: <sip:a@${self}>;tag=1\r\nTo: <sip:fuzz@${server}>\r\nCall-ID: f1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    `INVITE sip:404@${server} SIP/2.0\r\nVia: SIP/2.0/UDP ${self};branch=z9hG4bKf2;rport\r\nMax-Forwards: 70\r\nFrom: <sip:a@${self}>;tag=2\r\nTo: <sip:404@${server}>\r\nCall-ID: f2\r\nCSeq: 1 INVITE\r\nContact: <sip:a@${self}>\r\nContent-Type: application/sdp\r\nContent-Length: ${APP_SDP.length}\r\n\r\n${APP_SDP}`,
    `BYE sip:404@${server} SIP/2.0\r\nVia: SIP/2.0/UDP ${self};branch=z9hG4bKf3\r\nMax-Forwards: 70\r\nFrom: <sip:a@${self}>;tag=3\r\nTo: <sip:404@${server}>;tag=x\r\nCall-ID: f3\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n`,
    `MESSAGE sip:404@${server} SIP/2.0\r\nVia: SIP/2.0/UDP ${self};branch=z9hG4bKf4\r\nMax-Forwards: 70\r\nFrom: <sip:a@${self}>;tag=4\r\nTo: <sip:404@${server}>\r\nCall-ID: f4\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello`,
    `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP ${server};branch=z9hG4bKnotours\r\nFrom: <sip:a@${self}>;tag=5\r\nTo: <sip:b@${server}>;tag=6\r\nCall-ID: f5\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  ];
  // Any host (IPv4, [IPv6], or a name under a reserved/example TLD) with its port → the fuzzer's socket,
  // so every answer the server sends stays on loopback. (The stray response is a 200 to OPTIONS: a stray
  // 2xx to INVITE would be re-ACKed to its Contact, which a mutation could turn into a name to resolve.)
  const host = /\[[0-9a-fA-F:.]+\](?::\d+)?|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|net|org|example|invalid|test|edu|arpa|us|local)\b(?::\d+)?/g;
  return [...fixtures.map((f) => f.replace(host, self)), ...own].map((t) => Buffer.from(t, 'latin1'));
}

/**
 * Sends `cases` datagrams, never more than UDP_IN_FLIGHT ahead of what the server has parsed
 * (`parsed()` reads its counter), so the kernel does not drop most of them on a busy machine.
 */
async function sendUdp(port: number, cases: number, seeds: readonly Buffer[], rnd: Prng, parsed: () => Promise<number>): Promise<void> {
  const sock = createSocket('udp4');
  sock.on('message', () => undefined); // answers are not checked; the server must just survive
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.bind(FUZZ_UDP_PORT, '127.0.0.1', () => r()));
  const base = await parsed();
  for (let i = 0; i < cases; i++) {
    const m = mutate(seeds, rnd);
    sock.send(m.length > 65_000 ? m.subarray(0, 65_000) : m, port, '127.0.0.1');
    if (i % 1_000 === 999) {
      const end = Date.now() + 2_000;
      while ((await parsed()) - base < i + 1 - UDP_IN_FLIGHT && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    }
  }
  await new Promise<void>((r) => sock.close(() => r()));
}

/**
 * Sends `cases` messages over TCP. 7 in 8 get a Content-Length that frames them (reframe) and share
 * one long-lived connection; the others are sent as mutated, each on a connection of its own, since
 * a broken Content-Length or header block swallows or ends everything after it on that stream.
 */
async function sendTcp(port: number, cases: number, seeds: readonly Buffer[], rnd: Prng): Promise<number> {
  let shared: Socket | undefined;
  let connections = 0;
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      connections++;
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.on('data', () => undefined);
      s.on('error', () => undefined); // the server closes connections whose framing broke: expected
      s.once('error', reject);
    });
  for (let i = 0; i < cases; i++) {
    const m = mutate(seeds, rnd);
    if (rnd.int(8) === 0) {
      const own = await open();
      own.end(m);
      continue;
    }
    if (shared === undefined || shared.destroyed || shared.writableEnded) shared = await open();
    if (!shared.write(reframe(m))) await new Promise((r) => setTimeout(r, 5));
    // Yield after every write so a close by the server (broken framing) is seen before the next case.
    await new Promise((r) => setImmediate(r));
  }
  shared?.destroy();
  return connections;
}

let FUZZ_UDP_PORT = 0;

describe(`fuzz: mutated SIP over UDP and TCP (seed ${SEED})`, () => {
  let server: ChildSipServer;
  let app: SrfApp;
  const answered = { count: 0 };

  beforeAll(async () => {
    process.stdout.write(`fuzz seed=${SEED} (replay with FUZZ_SEED=${SEED})\n`);
    server = await startChildSipServer({
      // Short timers so every transaction the fuzz creates is over within seconds (Timer J = 64·T1).
      SIPSRV_T1_MS: '50',
      SIPSRV_T2_MS: '400',
      SIPSRV_T4_MS: '500',
      SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.0/8',
    });
    app = newSrf();
    app.invite((req, res) => {
      if (req.calledNumber !== NORMAL_CALL_USER) {
        res.send(404);
        return;
      }
      void app.createUAS(req, res, { localSdp: APP_SDP }).then(() => answered.count++);
    });
    app.options((_req, res) => res.send(200));
    app.message((_req, res) => res.send(200));
    await connectSrf(app, server.admin);
    const { freePort } = await import('#lib/local-stack/index.js');
    FUZZ_UDP_PORT = await freePort();
  });
  afterAll(async () => {
    app.disconnect();
    await server.stop();
  });

  it(`survives ${UDP_CASES + TCP_CASES} mutated messages, then completes a normal call within the RSS bound`, async () => {
    const rnd = new Prng(SEED);
    const self = `127.0.0.1:${FUZZ_UDP_PORT}`;
    const seeds = seedMessages(self, `127.0.0.1:${server.sipPort}`);
    const live = async (): Promise<number> =>
      ((await scrape(server.httpPort, 'sipsrv_transactions{kind="server"}')) ?? -1) + ((await scrape(server.httpPort, 'sipsrv_transactions{kind="client"}')) ?? -1);

    const parsed = async (): Promise<number> => (await scrape(server.httpPort, 'sipsrv_transport_messages_received')) ?? 0;
    await sendUdp(server.sipPort, WARMUP_CASES, seeds, rnd, parsed);
    expect(await until(async () => (await live()) === 0, 15_000), `seed ${SEED}: transactions drained after warm-up`).toBe(true);
    const heapMb = async (): Promise<number> => ((await scrape(server.httpPort, 'sipsrv_nodejs_heap_size_used_bytes')) ?? 0) / 2 ** 20;
    const rssBefore = server.rssMb();
    const heapBefore = await heapMb();
    const receivedBefore = await parsed();

    const started = Date.now();
    await sendUdp(server.sipPort, UDP_CASES, seeds, rnd, parsed);
    const udpParsed = (await parsed()) - receivedBefore;
    const tcpConnections = await sendTcp(server.sipPort, TCP_CASES, seeds, rnd);
    const fuzzSec = (Date.now() - started) / 1000;
    expect(server.child.exitCode, `seed ${SEED}: server process alive`).toBeNull();

    // Every transaction the fuzz created ends by its timers; no dialog is left (fuzzed INVITEs got 404).
    expect(await until(async () => (await live()) === 0, 20_000), `seed ${SEED}: transactions drained`).toBe(true);
    expect(await scrape(server.httpPort, 'sipsrv_dialogs')).toBe(0);
    expect(await scrape(server.httpPort, 'sipsrv_app_connections')).toBe(1);
    const tcpParsed = (await parsed()) - receivedBefore - udpParsed;

    const call = await runSipp({ scenario: 'uac-invite-bye.xml', target: `127.0.0.1:${server.sipPort}`, calls: 1, timeoutSec: 30, extraArgs: ['-s', NORMAL_CALL_USER] });
    expect(call.stats['SuccessfulCall(C)']).toBe('1');
    expect(answered.count).toBe(1);

    const rssAfter = server.rssMb();
    const heapAfter = await heapMb();
    process.stdout.write(
      `fuzz seed=${SEED} cases=${UDP_CASES + TCP_CASES} udp=${UDP_CASES} tcp=${TCP_CASES} tcp_connections=${tcpConnections} ` +
        `udp_parsed=${udpParsed} tcp_parsed=${tcpParsed} fuzz_sec=${fuzzSec.toFixed(1)} rss_before_mb=${rssBefore.toFixed(1)} rss_after_mb=${rssAfter.toFixed(1)} ` +
        `heap_before_mb=${heapBefore.toFixed(1)} heap_after_mb=${heapAfter.toFixed(1)}\n`,
    );
    // Most of what we sent reached the parser (UDP may drop a little; after a broken TCP framing the rest of that stream is discarded).
    expect(udpParsed, `seed ${SEED}: UDP messages parsed`).toBeGreaterThan(UDP_CASES * 0.9);
    expect(tcpParsed, `seed ${SEED}: TCP messages parsed`).toBeGreaterThan(TCP_CASES * 0.2);
    expect(rssAfter - rssBefore, `seed ${SEED}: RSS growth (MiB)`).toBeLessThan(RSS_GROWTH_BOUND_MB);
  });
});
