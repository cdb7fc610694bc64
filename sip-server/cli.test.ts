import { describe, expect, it } from 'vitest';
import { loadConfig } from '#lib/config/index.js';
import { cliHelp, cliToEnv, wantsHelp } from './cli.js';
import { sipServerConfigSchema } from './config.js';

describe('sip-server CLI', () => {
  it('maps drachtio-like options over the environment', () => {
    const env = cliToEnv(
      ['--contact', 'sip:127.0.0.1:5070;transport=udp', '--contact', 'sip:127.0.0.1:5071;transport=tcp', '--port', '9033', '--secret', 'a-very-long-secret-123', '--loglevel', 'debug'],
      { SIPSRV_SECRET: 'from-env-but-overridden', SIPSRV_ADMIN_HOST: '127.0.0.2' },
    );
    const config = loadConfig(sipServerConfigSchema, { env });
    expect(config.SIPSRV_CONTACTS).toBe('sip:127.0.0.1:5070;transport=udp sip:127.0.0.1:5071;transport=tcp');
    expect(config.SIPSRV_ADMIN_PORT).toBe(9033);
    expect(config.SIPSRV_ADMIN_HOST).toBe('127.0.0.2');
    expect(config.SIPSRV_SECRET).toBe('a-very-long-secret-123');
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('describes its options for --help', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['--port', '1'])).toBe(false);
    expect(cliHelp()).toMatch(/--contact <uri>[\s\S]*--secret <secret>/);
  });

  it('rejects unknown options', () => {
    expect(() => cliToEnv(['--bogus'], {})).toThrow();
  });
});
