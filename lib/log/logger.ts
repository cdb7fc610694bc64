import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

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
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Child logger for one call: carries `callId` and, when known, `tenantId`. */
export function callLogger(log: Logger, callId: string, tenantId?: string): Logger {
  return log.child(tenantId === undefined ? { callId } : { callId, tenantId });
}
