import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import { SystemClock, type Clock } from '../clock/index.js';
import { DailyLogFile } from './daily-log-file.js';

export type { Logger } from 'pino';

/** Paths that never reach a log line in clear text. */
export const REDACT_PATHS = [
  'authorization',
  'proxyAuthorization',
  'password',
  'secret',
  'apiKey',
  'totpSecret',
  'pgUrl',
  'redisUrl',
  '*.authorization',
  '*.proxy-authorization',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.totpSecret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

export type LoggerOptions = {
  /** Service name, stamped on every line as `service`. */
  service: string;
  level: LevelWithSilent;
  /** Where lines go; stdout when omitted. */
  destination?: DestinationStream;
  /** Also write the lines to `<dir>/<service>-YYYY-MM-DD.log`, a file per UTC day (LOG_DIR; kept 30 days, docs/privacy.md). */
  dir?: string | undefined;
  /** The clock that dates the daily files (system clock when omitted). */
  clock?: Clock;
  /** With `dir`: keep writing to stdout too (default true). */
  stdout?: boolean;
};

/** The root JSON logger of a process. Everything else receives it or a child of it. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destinationOf(options),
  );
}

function destinationOf(options: LoggerOptions): DestinationStream {
  const stdout = options.destination ?? pino.destination({ dest: 1, sync: false });
  if (options.dir === undefined) return stdout;
  const file = new DailyLogFile({ dir: options.dir, service: options.service, clock: options.clock ?? new SystemClock() });
  // Each stream takes every line the logger lets through (its level decides, debug SIP traces included).
  return options.stdout === false ? file : pino.multistream([{ level: 'trace', stream: stdout }, { level: 'trace', stream: file }]);
}

/** Child logger for one call: carries `callId` and, when known, `tenantId`. */
export function callLogger(log: Logger, callId: string, tenantId?: string): Logger {
  return log.child(tenantId === undefined ? { callId } : { callId, tenantId });
}
