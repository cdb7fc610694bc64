// The sip-server as its own Node process (sip-server/main.ts with CLI options), so a test can read
// the server's own resident memory from /proc and kill it without touching the test process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { freePort, projectRoot } from '#lib/local-stack/index.js';

export type ChildSipServer = {
  child: ChildProcess;
  pid: number;
  sipPort: number;
  admin: { host: string; port: number; secret: string };
  httpPort: number;
  /** Resident memory (VmRSS) of the server process in MiB. */
  rssMb(): number;
  stop(): Promise<void>;
};

const SETPRIV = '/usr/bin/setpriv';

/** Starts sip-server/main.ts on free loopback ports (UDP+TCP), with extra environment keys. */
export async function startChildSipServer(env: Record<string, string> = {}): Promise<ChildSipServer> {
  const sipPort = await freePort();
  const adminPort = await freePort();
  const httpPort = await freePort();
  const secret = randomBytes(16).toString('hex');
  const args = ['--import', 'tsx', '--conditions=source', 'sip-server/main.ts'];
  args.push('--contact', `sip:127.0.0.1:${sipPort};transport=udp,tcp`, '--port', String(adminPort), '--secret', secret, '--http-port', String(httpPort));
  const command = [process.execPath, ...args];
  // --pdeathsig: the server dies with the test process even when vitest is killed.
  const [bin, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', '--', ...command]] : [process.execPath, args];
  const child = spawn(bin, argv, {
    cwd: projectRoot(import.meta.url),
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('sip-server did not start');
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-8_000); // always drained: a full pipe would stall the server
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await waitForHealth(httpPort, child, () => out);
  return {
    child,
    pid,
    sipPort,
    admin: { host: '127.0.0.1', port: adminPort, secret },
    httpPort,
    rssMb: () => {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(kb ?? 0) / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForHealth(httpPort: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`sip-server exited (${String(child.exitCode)}): ${output()}`);
    try {
      // The sip-server metrics are registered once every listener is up (the HTTP port comes first).
      const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
      if (res.ok && (await res.text()).includes('sipsrv_app_connections')) return;
    } catch {
      // not listening yet: try again below
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sip-server did not become healthy: ${output()}`);
}
