export { Dialog, makeDialogId } from './dialog.js';
export type { DialogOptions, DialogPeer, DialogRole, DialogState, DialogUsage } from './dialog.js';
export { listsRel100, parseRAck, parseRSeq } from './rel100.js';
export type { RAck } from './rel100.js';
export { UasReliableProvisionals } from './reliable-provisionals.js';
export type { PrackMatch, ReliableProvisionalsOptions, ReliableState } from './reliable-provisionals.js';
export { DialogTable } from './dialog-table.js';
export { DIALOG_ERROR_CODES } from './error-codes.js';
export type { DialogErrorCode } from './error-codes.js';
