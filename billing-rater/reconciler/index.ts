export { Reconciler, RECONCILED_END_REASON } from './reconciler.js';
export type { ReconcilerOptions } from './reconciler.js';
