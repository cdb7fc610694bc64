// bench:sip-tls — SIP over TLS through the sip-server service (RFC 3261 §26): a drachtio-srf app
// (its own process) answers REGISTER with digest auth (401, then 200) and bridges INVITEs with
// createB2BUA to a sipp UAS over UDP. The TLS clients are Node sockets in this process
// (bench/support/tls-sip-client.ts; sipp here has no TLS), on long-lived connections, as phones keep
// them. Two figures:
//   registrations: --clients connections each looping REGISTER → 401 → REGISTER with credentials → 200
//     for --reg-sec seconds → tls_reg_per_s (completed registrations per second);
//   calls: INVITE → 200 → ACK → BYE → 200 over --clients connections, the call rate stepped up as in
//     bench:sip-cps; a step holds with < 0.5 % failed calls → tls_cps (highest rate held).
// Each line carries the CPU share of sip-server, the app, sipp and this process (the TLS clients).
//   npm run bench:sip-tls [-- --clients 20 --reg-sec 10 --start 50 --factor 1.5 --max 2000 --step-sec 10 --profile DIR]
import { randomBytes } from 'node:crypto';
import { freePort } from '#lib/local-stack/index.js';
import { generateSelfSignedCert } from '#sip-server/transport/index.js';
import { SystemClock } from '#lib/clock/index.js';
import { startSipp } from '#test/support/sipp.js';
import { benchArgs } from './support/args.js';
import { cpuPercent, cpuTicks, startNode, waitForPort } from './support/processes.js';
import { stepRatesWith } from './support/rate-steps.js';
import { TlsSipClient } from './support/tls-sip-client.js';
import { tlsCall, tlsRegister } from './support/tls-sip-flows.js';

const args = benchArgs();
const CLIENTS = Number(args.get('clients') ?? 20);
const REG_SEC = Number(args.get('reg-sec') ?? 10);
const STEP_SEC = Number(args.get('step-sec') ?? 10);
const PROFILE_DIR = args.get('profile');
const prof = PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR];
const USER = { name: 'bench', password: 'bench-secret' };

const cert = await generateSelfSignedCert({ clock: new SystemClock() });
const secret = randomBytes(16).toString('hex');
const adminPort = await freePort();
const tlsPort = await freePort();
const server = await startNode(
  'sip-server/main.ts',
  ['--contact', `sip:127.0.0.1:${tlsPort};transport=tls`, '--contact', `sip:127.0.0.1:${await freePort()};transport=udp`, '--port', String(adminPort), '--secret', secret, '--loglevel', 'warn', '--http-port', String(await freePort())],
  undefined,
  // Every TLS client is on loopback: exempt it from the per-source rate limit.
  { ...process.env, SIPSRV_TLS_KEY: cert.key, SIPSRV_TLS_CERT: cert.cert, SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.0/8' },
  prof,
);
await waitForPort(adminPort);
const uas = await startSipp({ scenario: 'builtin:uas', timeoutSec: 7_200, rate: 1, extraArgs: ['-max_recv_loops', '10000', '-max_sched_loops', '10000', '-buff_size', '4194304'] });
const app = await startNode('test/support/srf-apps/registrar-main.ts', [String(adminPort), secret, `127.0.0.1:${uas.port}`, USER.name, USER.password], /ready/, process.env, prof);
const processes = { sip_server: server.pid, app: app.pid, sipp_uas: uas.pid };
try {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => TlsSipClient.open(tlsPort, cert.cert)));

  // Registrations: a closed loop per connection for REG_SEC seconds.
  const before = Object.fromEntries(Object.entries(processes).map(([k, pid]) => [k, cpuTicks(pid)]));
  const selfBefore = process.cpuUsage();
  const t0 = Date.now();
  const until = t0 + REG_SEC * 1000;
  let registered = 0;
  await Promise.all(
    clients.map(async (c, i) => {
      while (Date.now() < until) {
        await tlsRegister(c, { ...USER, contactUser: `phone${i}`, serverPort: tlsPort });
        registered++;
      }
    }),
  );
  const regWall = (Date.now() - t0) / 1000;
  const regPerSec = registered / regWall;
  const shares = Object.entries(processes).map(([k, pid]) => `${k}_cpu_pct=${cpuPercent(cpuTicks(pid) - (before[k] ?? 0), regWall).toFixed(0)}`);
  const self = process.cpuUsage(selfBefore);
  process.stdout.write(`bench=sip_tls_register clients=${CLIENTS} registrations=${registered} wall_s=${regWall.toFixed(1)} reg_per_s=${regPerSec.toFixed(0)} ${shares.join(' ')} tls_clients_cpu_pct=${(((self.user + self.system) / 1e6 / regWall) * 100).toFixed(0)}\n`);

  // Calls: stepped rate, spread round-robin over the connections.
  let next = 0;
  const { best, cpu } = await stepRatesWith(
    { name: 'sip_tls_cps', start: Number(args.get('start') ?? 50), factor: Number(args.get('factor') ?? 1.5), max: Number(args.get('max') ?? 2000), stepSec: STEP_SEC, processes },
    async (rate, calls) => {
      const selfStart = process.cpuUsage();
      const s0 = Date.now();
      let ok = 0;
      let failed = 0;
      const running: Promise<void>[] = [];
      for (let i = 0; i < calls; i++) {
        // Pace the starts at `rate` per second.
        const due = s0 + (i * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const c = clients[next++ % clients.length] as TlsSipClient;
        running.push(
          tlsCall(c, { serverPort: tlsPort, called: '1000' }).then(
            () => {
              ok++;
            },
            (err: unknown) => {
              // The first failures of a step say why (timeout, unexpected status, closed connection).
              if (++failed <= 3) process.stderr.write(`step ${rate}: call failed: ${String(err)}\n`);
            },
          ),
        );
      }
      await Promise.all(running);
      const used = process.cpuUsage(selfStart);
      return { ok, failed, loadCpu: `tls_clients_cpu_pct=${(((used.user + used.system) / 1e6 / ((Date.now() - s0) / 1000)) * 100).toFixed(0)}` };
    },
  );
  for (const c of clients) c.close();
  process.stdout.write(`node=${process.version} clients=${CLIENTS} step_sec=${STEP_SEC} ${cpu} tls_reg_per_s=${regPerSec.toFixed(0)} tls_cps=${best}\n`);
} finally {
  uas.kill();
  app.kill('SIGTERM');
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, PROFILE_DIR === undefined ? 100 : 3000));
}

