import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error.js';

export type ConfigSources = {
  /** Usually `process.env`, handed in by main.ts. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * JSON files read before the environment, later files winning. Each holds a flat
   * object keyed like the environment (`{"SIPSRV_ADMIN_PORT": 9022}`). When omitted,
   * the comma-separated list in the `CONFIG_FILES` environment variable is used.
   */
  files?: readonly string[];
};

/**
 * Reads configuration once: config files, then the environment on top, validated
 * by `schema`. Returns a frozen typed object, or throws ConfigError naming every bad key.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, sources: ConfigSources): Readonly<z.output<S>> {
  const files = sources.files ?? splitList(sources.env['CONFIG_FILES']);
  const merged: Record<string, unknown> = {};
  for (const file of files) Object.assign(merged, readConfigFile(file));
  for (const key of Object.keys(schema.shape)) {
    const value = sources.env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value === 'number' || typeof value === 'boolean') merged[key] = String(value);
  }
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems: ConfigProblem[] = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(root)');
      return { key, value: merged[key], message: issue.message };
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError([{ key: 'CONFIG_FILES', value: file, message: `cannot read file (${(cause as Error).message})` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([{ key: 'CONFIG_FILES', value: file, message: `not valid JSON (${(cause as Error).message})` }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([{ key: 'CONFIG_FILES', value: file, message: 'expected a JSON object of KEY: value' }]);
  }
  return parsed as Record<string, unknown>;
}
