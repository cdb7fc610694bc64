// Technical logs as one file per service and UTC day, `<dir>/<service>-YYYY-MM-DD.log` (issue 9:
// technical logs and SIP traces are kept 30 days; the workers' `technical-logs` retention job deletes
// files last written 30 days ago, so a file must stop growing when its day ends). The day is read
// from the injected clock on every line; a new day opens a new file and closes the old one.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock/index.js';

export class DailyLogFile {
  readonly #dir: string;
  readonly #service: string;
  readonly #clock: Clock;
  #day = '';
  #stream: WriteStream | undefined;

  constructor(options: { dir: string; service: string; clock: Clock }) {
    this.#dir = options.dir;
    this.#service = options.service;
    this.#clock = options.clock;
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
  }

  /** The file lines written now go to. */
  get path(): string {
    return join(this.#dir, `${this.#service}-${this.#dayOf(this.#clock.now())}.log`);
  }

  /** Appends one log line (pino hands whole lines, newline included). */
  write(line: string): void {
    const day = this.#dayOf(this.#clock.now());
    if (day !== this.#day || !this.#stream) {
      this.#stream?.end();
      this.#day = day;
      this.#stream = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
      // A full disk or a removed folder must not kill the service; the line is lost, stdout keeps it.
      this.#stream.on('error', () => undefined);
    }
    this.#stream.write(line);
  }

  /** Flushes and closes the current file. */
  close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }

  #dayOf(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
  }
}
