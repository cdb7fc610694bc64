export { normalizeDialled, isE164 } from './normalize-number.js';
export type { NormalizeResult } from './normalize-number.js';
export { shouldFailover } from './failover-policy.js';
export type { AttemptFailure } from './failover-policy.js';
export { orderGateways } from './least-cost-routing.js';
export type { RouteCandidate } from './least-cost-routing.js';
