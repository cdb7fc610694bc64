export { commitCalls, insertCdrs } from './commit-calls.js';
export type { TenantLedgerState } from './commit-calls.js';
export { readTenantState } from './tenant-state.js';
export type { TenantState } from './tenant-state.js';
