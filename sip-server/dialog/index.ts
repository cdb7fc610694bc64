export { Dialog, makeDialogId } from './dialog.js';
export type { DialogOptions, DialogPeer, DialogRole, DialogState } from './dialog.js';
export { DialogTable } from './dialog-table.js';
export { DIALOG_ERROR_CODES } from './error-codes.js';
export type { DialogErrorCode } from './error-codes.js';
