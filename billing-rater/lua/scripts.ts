import { fileURLToPath } from 'node:url';
import { defineLuaScripts, type Redis } from '#lib/redis/index.js';

/** The rater's Lua scripts are the `<name>-<key count>.lua` files beside this one, as `rater<Name>` commands. */
const LUA_DIR = fileURLToPath(new URL('.', import.meta.url));

type ScriptReply = [number, number];

/** A Redis client with the rater's scripts defined (EVALSHA, reloaded by ioredis on NOSCRIPT). */
export type RaterRedis = Redis & {
  raterLoadBalance(key: string, ...argv: (string | number)[]): Promise<ScriptReply>;
  raterReserve(bal: string, resv: string, live: string, ...argv: (string | number)[]): Promise<ScriptReply>;
  raterCommit(bal: string, resv: string, live: string, ...argv: (string | number)[]): Promise<ScriptReply>;
  raterAdmit(active: string, bal: string, ...argv: (string | number)[]): Promise<[number, number, string[]?]>;
};

/** Defines the scripts on `redis` once and returns it typed. */
export function defineRaterScripts(redis: Redis): RaterRedis {
  defineLuaScripts(redis, LUA_DIR, 'rater');
  return redis as RaterRedis;
}
