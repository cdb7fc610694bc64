export { runRenewals, renewalKey, PERIOD_MONTHS } from './renewals.js';
export type { RenewalOutcome } from './renewals.js';
export { releaseQuarantined } from './quarantine.js';
export { expireBundles } from './bundles.js';
export { checkLowBalances } from './low-balance.js';
export { addOutboxEvent } from './outbox.js';
export type { OutboxKind } from './outbox.js';
export { startBillingJobs, runBillingJob, BILLING_QUEUE, BILLING_JOB_NAMES, CDR_PARTITION_MONTHS_AHEAD } from './scheduler.js';
export type { BillingJobName, BillingJobsOptions } from './scheduler.js';
