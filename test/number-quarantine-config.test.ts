// Issue 9: the quarantine of a number that left its workspace is one configuration value, read by
// the control API (release, erasure) and the workers (subscription and workspace expiry).
import { describe, expect, it } from 'vitest';
import { loadConfig, numberLifecycleConfigSchema } from '#lib/config/index.js';
import { apiConfigSchema } from '#control-api/config.js';
import { workersConfigSchema } from '#workers/config.js';

describe('NUMBER_QUARANTINE_DAYS', () => {
  it('is the same key, default and validation in the control API and the workers', () => {
    const key = numberLifecycleConfigSchema.shape.NUMBER_QUARANTINE_DAYS;
    expect(apiConfigSchema.shape.NUMBER_QUARANTINE_DAYS).toBe(key);
    expect(workersConfigSchema.shape.NUMBER_QUARANTINE_DAYS).toBe(key);
    expect(Object.keys(apiConfigSchema.shape).filter((k) => /QUARANTINE/.test(k))).toEqual(['NUMBER_QUARANTINE_DAYS']);
    expect(Object.keys(workersConfigSchema.shape).filter((k) => /QUARANTINE/.test(k))).toEqual(['NUMBER_QUARANTINE_DAYS']);
  });

  it('defaults to 30 days and takes the environment value', () => {
    expect(loadConfig(workersConfigSchema, { env: {}, files: [] }).NUMBER_QUARANTINE_DAYS).toBe(30);
    expect(loadConfig(workersConfigSchema, { env: { NUMBER_QUARANTINE_DAYS: '90' }, files: [] }).NUMBER_QUARANTINE_DAYS).toBe(90);
  });
});
