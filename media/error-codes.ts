/** Error codes of the media area (listed in docs/errors.md). */
export const MediaErrorCode = {
  /** rtpengine did not answer an ng request in time (after retries). */
  NG_TIMEOUT: 'NG_TIMEOUT',
  /** rtpengine answered `result: error`. */
  NG_ERROR: 'NG_ERROR',
  /** An offer or answer came back without SDP. */
  NG_NO_SDP: 'NG_NO_SDP',
  /** The client's SDP offers no media profile the tenant's policy accepts (→ 488). */
  MEDIA_PROFILE_REJECTED: 'MEDIA_PROFILE_REJECTED',
} as const;

export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];
