// RFC 3261 §16.7 steps 3 and 8: a response travels upstream without the Via we added, through the
// server transaction of the request we forwarded.
import type { Logger } from '#lib/log/index.js';
import type { ServerTxn } from '#sip-server/core/index.js';
import type { SipRequest, SipResponse } from '#sip-server/message/index.js';

/**
 * A copy of `res` to send upstream: our topmost Via removed (§16.7 step 3). The Vias below ours
 * must equal the received request's; they are taken from `request` so a callee that copied them
 * wrongly (e.g. a 487 echoing the CANCEL's single Via) still reaches the caller.
 */
export function withoutOurVia(res: SipResponse, request: SipRequest): SipResponse {
  const headers = res.headers.clone();
  headers.remove('via');
  const vias = request.headers.getLines('via');
  for (let i = vias.length - 1; i >= 0; i--) headers.prepend('Via', vias[i] as string);
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
