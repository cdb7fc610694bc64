// Runs /usr/bin/sipp (Debian sip-tester) for conformance tests and benchmarks.
// Always passes -mp and -cp on free ports: sipp grabs media 6000/6002 and control 8888 otherwise.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AppError } from '#lib/errors/index.js';
import { freePort, projectRoot } from '#lib/local-stack/index.js';
import { freeUdpBlock } from './port-block.js';

export const SIPP_BIN = process.env['SIPP_BIN'] ?? '/usr/bin/sipp';
const SCENARIO_DIR = join(projectRoot(import.meta.url), 'test', 'sipp');

export type SippOptions = {
  /** File name in test/sipp/ (e.g. `uac-invite-bye.xml`) or a built-in scenario name with `builtin:` prefix. */
  scenario: string;
  /** host:port to send to (UAC); omit for a UAS. */
  target?: string;
  transport?: 'udp' | 'tcp';
  /** Number of calls before sipp exits (-m). */
  calls?: number;
  /** Calls per second (-r), default 10. */
  rate?: number;
  /** Max simultaneous calls (-l). */
  limit?: number;
  /** Overall timeout (-timeout, with -timeout_error). */
  timeoutSec?: number;
  /** Local SIP port; 0 or omitted picks a free one. */
  localPort?: number;
  /** Percentage of packets sipp drops on purpose (-lost). */
  lostPercent?: number;
  /** Values for [field0]… taken from -key name value. */
  keys?: Record<string, string>;
  /** Extra raw arguments. */
  extraArgs?: readonly string[];
  /** Local address for SIP and media (-i, -mi); 127.0.0.1 when omitted. Other 127.x addresses act as other hosts. */
  localAddress?: string;
};

export type SippResult = {
  exitCode: number;
  stdout: string;
  /** Final counters from -trace_stat (last CSV line), by column name. */
  stats: Record<string, string>;
  /** Messages in the error trace file, if any. */
  errors: string;
};

/** sipp exited non-zero or could not start. */
export class SippFailedError extends AppError {
  readonly result: SippResult;
  constructor(message: string, result: SippResult) {
    super('TEST_SIPP_FAILED', message);
    this.result = result;
  }
}

/** A started sipp process. `done` resolves on exit 0, else rejects with SippFailedError. */
export type SippRun = {
  /** The local SIP port sipp listens on. */
  port: number;
  /** Process id (for CPU accounting in benchmarks). */
  pid: number | undefined;
  done: Promise<SippResult>;
  /** Sends SIGUSR1-free stop: kills the process (for UAS that never end). */
  kill(): void;
};

/** Starts sipp and returns once it is spawned (use `port` to point others at a UAS). */
export async function startSipp(o: SippOptions): Promise<SippRun> {
  const workDir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const port = o.localPort && o.localPort > 0 ? o.localPort : await freePort();
  const mediaPort = await freeUdpBlock(o.localAddress ?? '127.0.0.1');
  const controlPort = await freePort();
  const args: string[] = [];
  if (o.scenario.startsWith('builtin:')) args.push('-sn', o.scenario.slice('builtin:'.length));
  else {
    const file = resolve(SCENARIO_DIR, o.scenario);
    if (!existsSync(file)) throw new AppError('TEST_SIPP_NO_SCENARIO', `no scenario ${file}`);
    args.push('-sf', file);
  }
  if (o.target) args.push(o.target);
  args.push(
    '-i', o.localAddress ?? '127.0.0.1',
    '-p', String(port),
    '-mi', o.localAddress ?? '127.0.0.1',
    '-mp', String(mediaPort),
    '-cp', String(controlPort),
    '-t', o.transport === 'tcp' ? 't1' : 'u1',
    '-r', String(o.rate ?? 10),
    '-timeout', `${o.timeoutSec ?? 30}s`,
    '-timeout_error',
    '-trace_err', '-error_file', join(workDir, 'errors.log'),
    '-trace_stat', '-stf', join(workDir, 'stat.csv'), '-fd', '1',
    '-cid_str', `%u-%p@${randomUUID().slice(0, 8)}`,
    '-nostdin',
  );
  if (o.calls !== undefined) args.push('-m', String(o.calls));
  if (o.limit !== undefined) args.push('-l', String(o.limit));
  if (o.lostPercent !== undefined) args.push('-lost', String(o.lostPercent));
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v);
  args.push(...(o.extraArgs ?? []));
  // Debugging aid: SIPP_KEEP=1 keeps sipp's work folder with a full message trace.
  const keep = process.env['SIPP_KEEP'] === '1';
  if (keep) args.push('-trace_msg');
  const child = spawn(SIPP_BIN, args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout = (stdout + d.toString('utf8')).slice(-20_000);
  });
  child.stderr.on('data', (d: Buffer) => {
    stdout = (stdout + d.toString('utf8')).slice(-20_000);
  });
  const done = new Promise<SippResult>((resolveDone, reject) => {
    child.on('error', (err) => reject(new AppError('TEST_SIPP_SPAWN', `cannot run ${SIPP_BIN}`, { cause: err })));
    child.on('exit', (code, signal) => {
      const result: SippResult = { exitCode: code ?? -1, stdout, stats: readStats(workDir), errors: readErrors(workDir) };
      if (keep) process.stderr.write(`sipp ${o.scenario} work folder kept: ${workDir}\n`);
      else rmSync(workDir, { recursive: true, force: true });
      if (code === 0) resolveDone(result);
      else {
        const tail = (result.errors || stdout).split('\n').slice(-40).join('\n');
        reject(new SippFailedError(`sipp ${o.scenario} exited with ${code ?? signal}:\n${tail}`, result));
      }
    });
  });
  // A UAS must be listening before anyone sends to it (TCP connects are refused otherwise).
  if (!o.target) await waitBound(o.localAddress ?? '127.0.0.1', port, o.transport ?? 'udp', done);
  return { port, pid: child.pid, done, kill: () => child.kill('SIGTERM') };
}

/** Resolves once something holds `port` (probed by trying to bind it), bounded to ~5 s. */
async function waitBound(address: string, port: number, transport: 'udp' | 'tcp', exited: Promise<unknown>): Promise<void> {
  const state = { gone: false };
  exited.then(
    () => (state.gone = true),
    () => (state.gone = true),
  );
  for (let i = 0; i < 250; i++) {
    if (state.gone) return;
    const free = await new Promise<boolean>((resolve) => {
      if (transport === 'udp') {
        const sock = createSocket('udp4');
        sock.once('error', () => resolve(false));
        sock.bind(port, address, () => sock.close(() => resolve(true)));
      } else {
        const srv = createServer();
        srv.once('error', () => resolve(false));
        srv.listen(port, address, () => srv.close(() => resolve(true)));
      }
    });
    if (!free) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs sipp to completion. */
export async function runSipp(o: SippOptions): Promise<SippResult> {
  return (await startSipp(o)).done;
}

function readStats(dir: string): Record<string, string> {
  const file = readdirSync(dir).find((f) => f.endsWith('.csv'));
  if (!file) return {};
  const lines = readFileSync(join(dir, file), 'utf8').trim().split('\n');
  const head = (lines[0] ?? '').split(';');
  const last = (lines[lines.length - 1] ?? '').split(';');
  const out: Record<string, string> = {};
  head.forEach((h, i) => {
    if (h) out[h] = last[i] ?? '';
  });
  return out;
}

function readErrors(dir: string): string {
  const file = join(dir, 'errors.log');
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-8_000) : '';
}
