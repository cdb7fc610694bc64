import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, fields, loadConfig } from './index.js';

const schema = z.object({
  ADMIN_PORT: fields.port().default(9022),
  ADMIN_SECRET: fields.secret(),
  LOG_LEVEL: fields.logLevel().default('info'),
});

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses and coerces valid values, applying defaults', () => {
    const cfg = loadConfig(schema, { env: { ADMIN_PORT: '9100', ADMIN_SECRET: 'a-very-long-secret' }, files: [] });
    expect(cfg).toEqual({ ADMIN_PORT: 9100, ADMIN_SECRET: 'a-very-long-secret', LOG_LEVEL: 'info' });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('names the bad key and value for a bad port', () => {
    const msg = problemsOf(() => loadConfig(schema, { env: { ADMIN_PORT: 'http', ADMIN_SECRET: 'a-very-long-secret' }, files: [] }));
    expect(msg).toContain('ADMIN_PORT="http"');
    expect(msg).toContain('port number');
  });

  it('names a missing secret', () => {
    const msg = problemsOf(() => loadConfig(schema, { env: {}, files: [] }));
    expect(msg).toMatch(/ADMIN_SECRET: .*\(not set\)/);
  });

  it('rejects an out-of-range port from a config file and lets the environment override files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify({ ADMIN_PORT: 70000, ADMIN_SECRET: 'from-file-secret-123' }));
    expect(problemsOf(() => loadConfig(schema, { env: {}, files: [file] }))).toContain('ADMIN_PORT="70000"');
    const cfg = loadConfig(schema, { env: { ADMIN_PORT: '9200' }, files: [file] });
    expect(cfg.ADMIN_PORT).toBe(9200);
    expect(cfg.ADMIN_SECRET).toBe('from-file-secret-123');
  });

  it('names CONFIG_FILES when a file is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ nope');
    expect(problemsOf(() => loadConfig(schema, { env: { CONFIG_FILES: file } }))).toContain('CONFIG_FILES');
  });
});
