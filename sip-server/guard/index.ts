// Public API of the source guard (rate limit, ban list, connection caps). Other folders import only from here.
export { AllowList } from './allow-list.js';
export { isKnownRequest } from './known-request.js';
export type { KnownRequestLookups } from './known-request.js';
export { SourceGuard } from './source-guard.js';
export type { SourceGuardOptions, SourceGuardStats } from './source-guard.js';
