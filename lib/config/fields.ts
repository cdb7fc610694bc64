import { z } from 'zod';

/** Reusable zod fields for configuration keys. Every value arrives as a string from the environment. */
export const port = () =>
  z.coerce
    .number({ error: 'expected a port number (0-65535)' })
    .int({ error: 'expected a port number (0-65535)' })
    .min(0, { error: 'expected a port number (0-65535)' })
    .max(65535, { error: 'expected a port number (0-65535)' });

export const positiveInt = () =>
  z.coerce.number({ error: 'expected a positive integer' }).int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' });

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'expected one of fatal, error, warn, info, debug, trace, silent',
  });

export const host = () => z.string().min(1, { error: 'expected a host name or address' });

export const postgresUrl = () =>
  z.string().regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a postgres:// URL' });

export const redisUrl = () => z.string().regex(/^rediss?:\/\/\S+$/, { error: 'expected a redis:// URL' });

/** A secret: required, at least 16 characters, never given a default. */
export const secret = () => z.string({ error: 'a secret is required' }).min(16, { error: 'expected at least 16 characters' });

export const bool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
