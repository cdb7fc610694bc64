// Error codes of the stateful proxy (listed in docs/sip-server.md, "proxy error codes").
export const PROXY_ERROR_CODES = {
  /** A branch was asked to make a move its state table does not allow. */
  PROXY_ILLEGAL_TRANSITION: 'PROXY_ILLEGAL_TRANSITION',
} as const;

export type ProxyErrorCode = (typeof PROXY_ERROR_CODES)[keyof typeof PROXY_ERROR_CODES];
