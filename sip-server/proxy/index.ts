// Public API of the stateful proxy (RFC 3261 §16, drachtio `proxy` verb). Other folders import only from here.
export { SipProxy } from './sip-proxy.js';
export type { SipProxyStats } from './sip-proxy.js';
export { TIMER_C_MS } from './proxy-session.js';
export type { ProxyDeps } from './proxy-session.js';
export { PROXY_ERROR_CODES } from './error-codes.js';
export type { ProxyErrorCode } from './error-codes.js';
export { selectBestResponse, upstreamStatus } from './best-response.js';
