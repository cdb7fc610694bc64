export { createRedis, Redis } from './client.js';
export type { RedisOptions } from './client.js';
