// Process helpers for benchmarks: start one of our services as its own Node process (so its CPU
// can be read from /proc), wait for its port, and read a process's CPU ticks and resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { projectRoot } from '#lib/local-stack/index.js';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
export const CLK_TCK = 100;

const root = projectRoot(import.meta.url);
const SETPRIV = '/usr/bin/setpriv';

/** utime + stime of `pid` in ticks; 0 once the process is gone. */
export function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // process gone: counts as no CPU in this window
  }
}

/** CPU share of one core, in percent, that `ticks` represent over `wallSec`. */
export function cpuPercent(ticks: number, wallSec: number): number {
  return (ticks / CLK_TCK / wallSec) * 100;
}

/**
 * Starts `script` (TypeScript, from the project root) and resolves once its output matches `ready`
 * (at once when `ready` is undefined: the caller checks readiness its own way).
 */
export function startNode(script: string, argv: string[], ready: RegExp | undefined, env: NodeJS.ProcessEnv = process.env, nodeArgs: readonly string[] = []): Promise<ChildProcess> {
  // setpriv --pdeathsig: the service dies with the benchmark even when the benchmark is killed.
  const command = [process.execPath, ...nodeArgs, '--import', 'tsx', '--conditions=source', script, ...argv];
  const [bin, args] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', '--', ...command]] : [process.execPath, command.slice(1)];
  const child = spawn(bin, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out = (out + d.toString()).slice(-20_000);
      if (ready?.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${script} exited early (${String(code)}): ${out.slice(-2000)}`)));
    if (ready === undefined) resolve(child);
  });
}

/** Resident memory of `pid` in MiB (VmRSS); 0 once the process is gone. */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0; // process gone
  }
}

/** Resolves once `port` on 127.0.0.1 accepts TCP connections (bounded to ~20 s). */
export async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}
