export { createRedis, Redis } from './client.js';
export type { RedisOptions } from './client.js';
export { defineLuaScripts, readLuaScripts } from './lua-loader.js';
export type { LuaScript } from './lua-loader.js';
