import { ConfigError } from '../config/index.js';
import type { Shutdown } from './shutdown.js';

/** The slice of `process` a service entry point needs. main.ts passes `process`. */
export type MainProcess = {
  env: NodeJS.ProcessEnv;
  stderr: { write(text: string): unknown };
  once(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  on(event: 'unhandledRejection' | 'uncaughtException', listener: (err: unknown) => void): unknown;
  exit(code?: number): never;
  exitCode?: number | string | undefined;
};

/** Exit code for configuration errors (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/**
 * Runs a service: builds it from the environment, wires SIGTERM/SIGINT to its shutdown,
 * and turns a configuration error into one clear stderr message and exit code 78.
 */
export function runMain(proc: MainProcess, service: string, start: (env: NodeJS.ProcessEnv) => Promise<{ shutdown: Shutdown }>): void {
  proc.on('unhandledRejection', (err) => {
    proc.stderr.write(`${service}: unhandled rejection: ${describe(err)}\n`);
  });
  // Signals are caught from the first moment: one that arrives during start-up stops the service
  // as soon as it is built, instead of killing it half-built.
  let built: Shutdown | undefined;
  let stopRequested: string | undefined;
  const stop = (reason: string) => {
    stopRequested ??= reason;
    if (built) built.run(reason).then(() => proc.exit(0), () => proc.exit(1));
  };
  proc.once('SIGTERM', () => stop('SIGTERM'));
  proc.once('SIGINT', () => stop('SIGINT'));
  start(proc.env).then(
    ({ shutdown }) => {
      built = shutdown;
      if (stopRequested) stop(stopRequested);
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        proc.stderr.write(`${service}: ${err.message}\n`);
        proc.exit(EXIT_CONFIG);
      }
      proc.stderr.write(`${service}: failed to start: ${describe(err)}\n`);
      proc.exit(1);
    },
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
