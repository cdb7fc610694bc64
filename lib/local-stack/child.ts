import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/** util-linux setpriv, on every Debian system. */
const SETPRIV = '/usr/bin/setpriv';

export type ChildOptions = {
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here. */
  logFile: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Signal that stops the process cleanly (PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
};

/** A supervised child process of the local stack. */
export class LocalChild {
  readonly name: string;
  readonly #proc: ChildProcess;
  readonly #exited: Promise<number | null>;
  readonly #stopSignal: NodeJS.Signals;
  readonly #stopTimeoutMs: number;
  #exitCode: number | null | undefined;

  constructor(options: ChildOptions) {
    this.name = options.name;
    this.#stopSignal = options.stopSignal ?? 'SIGTERM';
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    mkdirSync(dirname(options.logFile), { recursive: true });
    const out = createWriteStream(options.logFile, { flags: 'a' });
    // setpriv --pdeathsig: the child gets SIGTERM if this process dies without stopping it (a killed
    // test runner or stack runner leaves no PostgreSQL, Redis or rtpengine behind).
    const [command, args] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', '--', options.command, ...options.args]] : [options.command, [...options.args]];
    this.#proc = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    this.#proc.stdout?.pipe(out, { end: false });
    this.#proc.stderr?.pipe(out, { end: false });
    this.#exited = new Promise((resolve) => {
      this.#proc.once('exit', (code) => {
        this.#exitCode = code;
        out.end();
        resolve(code);
      });
      this.#proc.once('error', (err) => {
        options.log.error({ err, child: options.name }, 'child process failed to start');
        this.#exitCode = -1;
        out.end();
        resolve(-1);
      });
    });
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** True while the process has not exited. */
  get running(): boolean {
    return this.#exitCode === undefined;
  }

  /** Resolves with the exit code when the process ends. */
  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /** Stops the process: its stop signal, then SIGKILL after the timeout. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#proc.kill(this.#stopSignal);
    const timer = setTimeout(() => this.#proc.kill('SIGKILL'), this.#stopTimeoutMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** Polls `probe` until it resolves true, the child exits, or the deadline passes. */
export async function waitUntilReady(child: LocalChild, probe: () => Promise<boolean>, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new AppError('STACK_CHILD_EXITED', `${child.name} exited during start-up; see ${logFile}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  await child.stop();
  throw new AppError('STACK_CHILD_NOT_READY', `${child.name} did not become ready within ${timeoutMs} ms; see ${logFile}`);
}
