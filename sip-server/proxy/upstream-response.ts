// RFC 3261 §16.7 steps 3 and 8: a response travels upstream without the Via we added, through the
// server transaction of the request we forwarded.
import type { Logger } from '#lib/log/index.js';
import type { ServerTxn } from '#sip-server/core/index.js';
import type { SipResponse } from '#sip-server/message/index.js';

/** A copy of `res` without its topmost Via (the client transaction keeps the original). */
export function withoutOurVia(res: SipResponse): SipResponse {
  const headers = res.headers.clone();
  headers.removeFirst('via');
  return { kind: 'response', status: res.status, reason: res.reason, headers, body: res.body };
}

/** Sends `res` upstream; a transaction that already has its final response refuses it (logged, not fatal). */
export function respondUpstream(txn: ServerTxn, res: SipResponse, log: Logger): void {
  try {
    txn.respond(res);
  } catch (err) {
    log.warn({ err, status: res.status }, 'proxy could not forward a response upstream');
  }
}
