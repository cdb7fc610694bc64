export { applySmsRetention, dropExpiredCdrPartitions, expireWorkspaces, purgeExpiredBilling } from './retention.js';
export type { BillingPurge, CdrPartitionRetention, SmsRetention, WorkspaceExpiry } from './retention.js';
export { removeNumberData } from './number-data.js';
export type { RemovedNumberData } from './number-data.js';
