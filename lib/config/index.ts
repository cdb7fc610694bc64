export { loadConfig } from './load-config.js';
export type { ConfigSources } from './load-config.js';
export { ConfigError } from './config-error.js';
export type { ConfigProblem } from './config-error.js';
export * as fields from './fields.js';
export { commonConfigSchema, numberLifecycleConfigSchema, postgresConfigSchema, recordingStoreConfigSchema, redisConfigSchema, rtpengineConfigSchema } from './common.js';
