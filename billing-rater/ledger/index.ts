export { commitCalls } from './commit-calls.js';
export { insertCdrs } from './insert-cdrs.js';
export type { TenantLedgerState } from './commit-calls.js';
export { readTenantState } from './tenant-state.js';
export type { TenantState } from './tenant-state.js';
