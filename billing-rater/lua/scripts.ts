import { readFileSync } from 'node:fs';
import type { Redis } from '#lib/redis/index.js';

/** The rater's Lua scripts: file name → ioredis command name. File names end in their key count. */
const SCRIPTS = {
  raterLoadBalance: 'load-balance-1.lua',
  raterReserve: 'reserve-3.lua',
  raterCommit: 'commit-3.lua',
  raterAdmit: 'admit-1.lua',
} as const;

type ScriptReply = [number, number];

/** A Redis client with the rater's scripts defined (EVALSHA, reloaded by ioredis on NOSCRIPT). */
export type RaterRedis = Redis & {
  raterLoadBalance(key: string, ...argv: (string | number)[]): Promise<ScriptReply>;
  raterReserve(bal: string, resv: string, live: string, ...argv: (string | number)[]): Promise<ScriptReply>;
  raterCommit(bal: string, resv: string, live: string, ...argv: (string | number)[]): Promise<ScriptReply>;
  raterAdmit(active: string, ...argv: (string | number)[]): Promise<ScriptReply>;
};

/** Defines the scripts on `redis` once and returns it typed. */
export function defineRaterScripts(redis: Redis): RaterRedis {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] === 'function') continue;
    const numberOfKeys = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
    const lua = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    redis.defineCommand(name, { numberOfKeys, lua });
  }
  return redis as RaterRedis;
}
