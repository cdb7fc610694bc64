export { startHealthServer } from './health-server.js';
export type { HealthCheck, HealthServer, HealthServerOptions } from './health-server.js';
export { Shutdown } from './shutdown.js';
export { createServiceRuntime } from './service-runtime.js';
export type { ServiceRuntime, ServiceRuntimeOptions } from './service-runtime.js';
export { runMain, EXIT_CONFIG } from './run-main.js';
export type { MainProcess } from './run-main.js';
export { attachPostgres, attachRedis, checkRtpengine } from './dependencies.js';
