export { dropExpiredCdrPartitions, expireWorkspaces, purgeExpiredBilling } from './retention.js';
export type { BillingPurge, CdrPartitionRetention, WorkspaceExpiry } from './retention.js';
