// RFC 3261 §12.1.1: the UAS side of a dialog, created from the request the app answered and our
// response: by a reliable 1xx (early, RFC 3262 §3), by a 2xx to INVITE, or by a 2xx to SUBSCRIBE
// (RFC 6665 §4.2.1). Shared by the final-response path and the reliable-provisional path.
import { getCSeq, getCallId, getFromTag, type SipResponse } from '#sip-server/message/index.js';
import { Dialog, type DialogUsage } from '#sip-server/dialog/index.js';
import type { CoreContext, InboundTxn } from './core-context.js';
import { contactUri, withoutTag } from './party.js';

/** The early dialog a reliable 1xx created for this INVITE, if any. */
export function earlyUasDialog(ctx: CoreContext, rec: InboundTxn): Dialog | undefined {
  const d = ctx.dialogs.get(rec.dialogId);
  return d && d.state === 'early' && d.role === 'uas' && d.localTag === rec.toTag ? d : undefined;
}

/** Creates the dialog (early) and adds it to the table. */
export function createUasDialog(ctx: CoreContext, rec: InboundTxn, res: SipResponse, usage: DialogUsage): Dialog {
  const req = rec.txn.request;
  const src = rec.txn.source;
  const dialog = new Dialog({
    id: rec.dialogId,
    role: 'uas',
    usage,
    callId: getCallId(req) as string,
    localTag: rec.toTag ?? '',
    remoteTag: getFromTag(req) ?? '',
    localUri: withoutTag(req.headers.get('to') as string),
    remoteUri: withoutTag(req.headers.get('from') as string),
    remoteTarget: contactUri(req) ?? req.uri,
    // §12.1.1: the UAS route set is the Record-Route list in order.
    routeSet: req.headers.getAll('record-route'),
    localSeq: undefined,
    remoteSeq: getCSeq(req)?.seq,
    localContact: res.headers.get('contact') ?? '',
    ownerId: rec.conn.id,
    peer: { protocol: src.protocol, address: src.remoteAddress, port: src.remotePort, connectionId: src.connectionId },
  });
  ctx.dialogs.add(dialog);
  return dialog;
}

/** §12.1.1 / RFC 3262 §3: a 2xx confirms the early dialog of this INVITE, or creates a confirmed one. */
export function confirmUasDialog(ctx: CoreContext, rec: InboundTxn, res: SipResponse, usage: DialogUsage): Dialog {
  const dialog = earlyUasDialog(ctx, rec) ?? createUasDialog(ctx, rec, res, usage);
  dialog.confirm();
  return dialog;
}

/** §12.3: a non-2xx final (or CANCEL, or the app going away) ends the early dialog. */
export function dropEarlyUasDialog(ctx: CoreContext, rec: InboundTxn): void {
  const early = earlyUasDialog(ctx, rec);
  if (early) ctx.dialogs.remove(early);
}
