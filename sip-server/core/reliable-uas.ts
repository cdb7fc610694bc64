// RFC 3262 §3 (UAS): an app's 1xx to an INVITE carrying `Require: 100rel` is sent reliably — RSeq,
// retransmission until the PRACK, an early dialog for the PRACK (and UPDATE) to arrive in — as
// drachtio-server does (protocol §4.2 "a reliable (RSeq) 1xx sent", §4.4 "RSeq for reliable
// provisionals", appendix checklist item 18).
import type { SipResponse } from '#sip-server/message/index.js';
import { getCSeq } from '#sip-server/message/index.js';
import { listsRel100, parseRAck, UasReliableProvisionals, type Dialog, type PrackMatch } from '#sip-server/dialog/index.js';
import type { SipRequest } from '#sip-server/message/index.js';
import type { CoreContext, InboundTxn } from './core-context.js';
import { createUasDialog, earlyUasDialog } from './uas-dialog.js';

/** The failure text drachtio-server gives when the caller did not offer 100rel (protocol §3.6). */
export const NO_100REL = 'Remote endpoint does not support 100rel';

/** drachtio-server sends an INVITE's 1xx (initial or re-INVITE) reliably when the app put `100rel` in its Require header. */
export function appWantsReliable(req: SipRequest, app: SipResponse): boolean {
  return req.method === 'INVITE' && app.status > 100 && app.status < 200 && listsRel100(app.headers.getAll('require'));
}

/**
 * Sends `res` reliably for the INVITE of `rec` — in the early dialog it creates for an initial INVITE,
 * in the dialog itself for a re-INVITE. Returns a failure reason (sent to the app as `NOK`) when the
 * caller named 100rel in neither Supported nor Require (RFC 3262 §3).
 */
export function sendReliableProvisional(ctx: CoreContext, rec: InboundTxn, res: SipResponse, onTimeout: () => void): string | undefined {
  const req = rec.txn.request;
  if (!listsRel100([...req.headers.getAll('supported'), ...req.headers.getAll('require')])) return NO_100REL;
  const dialog = rec.dialog ?? earlyUasDialog(ctx, rec) ?? createUasDialog(ctx, rec, res, 'invite');
  dialog.reliableUas ??= new UasReliableProvisionals({
    clock: ctx.clock,
    t1Ms: ctx.timers.t1Ms,
    reliableTransport: rec.txn.source.protocol !== 'udp',
    // RFC 3262 §3: the first RSeq is random in 1..2^31-1.
    firstRSeq: 1 + (parseInt(ctx.ids.hex(4), 16) % (2 ** 31 - 1)),
    inviteSeq: getCSeq(req)?.seq ?? 0,
    send: (r) => {
      try {
        rec.txn.respond(r);
      } catch (err) {
        // The INVITE transaction is gone (transport failure): this 1xx can no longer be delivered.
        ctx.log.warn({ err, dialogId: dialog.id }, 'reliable provisional response could not be sent');
        dialog.reliableUas?.stop();
      }
    },
    onTimeout,
  });
  dialog.reliableUas.offer(res);
  return undefined;
}

/** RFC 3262 §3: a PRACK in an early UAS dialog acknowledges the 1xx its RAck names; anything else is 481. */
export function acknowledgeReliable(dialog: Dialog, prack: SipRequest): PrackMatch {
  return dialog.reliableUas?.prack(parseRAck(prack.headers.get('rack'))) ?? 'no-match';
}
