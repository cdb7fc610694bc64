/** Error codes of the drachtio wire protocol layer (listed in docs/errors.md). */
export const WIRE_ERROR_CODES = {
  /** The length prefix before `#` is not a decimal byte count within limits. */
  WIRE_BAD_FRAME: 'WIRE_BAD_FRAME',
  /** A frame's header line does not have the fields its type requires. */
  WIRE_BAD_MESSAGE: 'WIRE_BAD_MESSAGE',
  /** A command arrived before a successful `authenticate`. */
  WIRE_NOT_AUTHENTICATED: 'WIRE_NOT_AUTHENTICATED',
  /** `authenticate` carried the wrong secret. */
  WIRE_BAD_SECRET: 'WIRE_BAD_SECRET',
  /** The connection state machine was asked to make a move its table does not allow. */
  WIRE_ILLEGAL_TRANSITION: 'WIRE_ILLEGAL_TRANSITION',
} as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[keyof typeof WIRE_ERROR_CODES];
