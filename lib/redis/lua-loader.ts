import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { AppError } from '../errors/index.js';

/** `<name>-<key count>.lua` (BullMQ's convention): the key count is part of the file name. */
const SCRIPT_FILE = /^([a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z][a-zA-Z0-9]*)*)-(\d+)\.lua$/;
/** `--@include name.lua` inlines `<dir>/includes/name.lua`. */
const INCLUDE = /^--@include\s+(\S+)\s*$/gm;

export type LuaScript = { name: string; numberOfKeys: number; lua: string };

/** Reads every script in `dir`, with its includes inlined; `prefix` namespaces the command names. */
export function readLuaScripts(dir: string, prefix = ''): LuaScript[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .map((file) => {
      const m = SCRIPT_FILE.exec(file);
      if (!m) throw new AppError('REDIS_SCRIPT_BAD_NAME', `Lua script ${file} must be named <name>-<key count>.lua`);
      const source = readFileSync(join(dir, file), 'utf8');
      const lua = source.replace(INCLUDE, (_, inc: string) => readFileSync(join(dir, 'includes', inc), 'utf8'));
      const base = camelCase(m[1] ?? '');
      const name = prefix === '' ? base : `${prefix}${base.charAt(0).toUpperCase()}${base.slice(1)}`;
      return { name, numberOfKeys: Number(m[2]), lua };
    });
}

/**
 * Registers the scripts in `dir` on `redis` as custom commands (ioredis defineCommand: EVALSHA,
 * falling back to EVAL on NOSCRIPT). `acquire-slots-4.lua` becomes `redis.acquireSlots(k1..k4, ...argv)`,
 * or `redis.raterAcquireSlots(…)` with prefix `rater`. Defining twice on one client is a no-op.
 */
export function defineLuaScripts(redis: Redis, dir: string, prefix = ''): string[] {
  const names: string[] = [];
  for (const s of readLuaScripts(dir, prefix)) {
    if (typeof (redis as unknown as Record<string, unknown>)[s.name] !== 'function') redis.defineCommand(s.name, { numberOfKeys: s.numberOfKeys, lua: s.lua });
    names.push(s.name);
  }
  return names;
}

function camelCase(kebab: string): string {
  return kebab.replace(/-([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}
