/** Error codes of the dialog layer (listed in docs/errors.md). */
export const DIALOG_ERROR_CODES = {
  /** A dialog was asked to make a move its state table does not allow. */
  DIALOG_ILLEGAL_TRANSITION: 'DIALOG_ILLEGAL_TRANSITION',
} as const;

export type DialogErrorCode = (typeof DIALOG_ERROR_CODES)[keyof typeof DIALOG_ERROR_CODES];
