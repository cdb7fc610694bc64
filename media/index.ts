export { NgClient } from './ng/ng-client.js';
export type { NgClientOptions, NgCommand, NgParams } from './ng/ng-client.js';
export { NgError } from './ng/ng-error.js';
export { MediaErrorCode } from './error-codes.js';
export { MediaSession } from './session/media-session.js';
export type { LegStats, MediaSessionOptions } from './session/media-session.js';
export { clientLegProfile, ngParamsToward, profileOfSdp, sdpMediaProtocols } from './session/leg-profile.js';
export type { LegProfile, PlainRtpPolicy } from './session/leg-profile.js';
