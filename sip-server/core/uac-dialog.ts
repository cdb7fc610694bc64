// RFC 3261 §12.1.2: the UAC side of a dialog for a request an app sent — created by a reliable 1xx
// (early, RFC 3262 §4), a 2xx to INVITE, a 2xx to SUBSCRIBE, or a NOTIFY for a pending SUBSCRIBE
// (RFC 6665 §4.1.2.4).
import { formatNameAddr, getCSeq, getCallId, getFromTag, getRecordRoutes, getToTag, type SipMessage, type SipResponse } from '#sip-server/message/index.js';
import { Dialog, parseRSeq, type DialogUsage } from '#sip-server/dialog/index.js';
import type { CoreContext, OutboundTxn } from './core-context.js';
import { contactUri, withoutTag } from './party.js';
import type { ReceivedFrom } from './stack-port.js';

/** §12.1.2: the UAC route set is the Record-Route list of the response in reverse order. */
function responseRouteSet(res: SipMessage): string[] {
  return getRecordRoutes(res).map((r) => formatNameAddr(r)).reverse();
}

/**
 * Builds (does not add) the UAC dialog for `rec` from the message that creates it. For a response the
 * remote party is its To; for a NOTIFY (a request from the notifier) it is the NOTIFY's From, and the
 * route set is its Record-Route in order (RFC 6665 §4.1.2.4 treats the NOTIFY like the 2xx).
 */
export function buildUacDialog(rec: OutboundTxn, creator: SipMessage, from: ReceivedFrom, usage: DialogUsage): Dialog {
  const req = rec.request;
  const isResponse = creator.kind === 'response';
  return new Dialog({
    id: rec.dialogId,
    role: 'uac',
    usage,
    callId: getCallId(req) as string,
    localTag: getFromTag(req) ?? '',
    remoteTag: (isResponse ? getToTag(creator) : getFromTag(creator)) ?? '',
    localUri: withoutTag(req.headers.get('from') as string),
    remoteUri: withoutTag(creator.headers.get(isResponse ? 'to' : 'from') as string),
    remoteTarget: contactUri(creator) ?? req.uri,
    routeSet: isResponse ? responseRouteSet(creator) : creator.headers.getAll('record-route'),
    localSeq: (getCSeq(req) as { seq: number }).seq,
    remoteSeq: undefined,
    localContact: req.headers.get('contact') ?? '',
    ownerId: rec.conn.id,
    peer: { protocol: from.protocol, address: from.remoteAddress, port: from.remotePort, connectionId: from.connectionId },
  });
}

/** The early dialog a reliable 1xx created for the app's INVITE, if any. */
export function earlyUacDialog(ctx: CoreContext, rec: OutboundTxn): Dialog | undefined {
  const d = ctx.dialogs.get(rec.dialogId);
  return d && d.state === 'early' && d.role === 'uac' ? d : undefined;
}

/**
 * RFC 3262 §4: a 1xx with RSeq and a To tag to the app's initial INVITE makes (or refreshes) the early
 * dialog the app's PRACK is sent in. Returns false when the 1xx must not reach the app: a
 * retransmission (RSeq not above the last one) or one out of order (not the last + 1).
 */
export function onReliableProvisional(ctx: CoreContext, rec: OutboundTxn, res: SipResponse, from: ReceivedFrom): boolean {
  const rseq = parseRSeq(res.headers.get('rseq'));
  const toTag = getToTag(res);
  if (rseq === undefined || toTag === undefined || rec.dialog !== undefined) return true;
  let dialog = ctx.dialogs.get(rec.dialogId);
  if (!dialog) {
    dialog = buildUacDialog(rec, res, from, 'invite');
    ctx.dialogs.add(dialog);
  } else if (dialog.state !== 'early' || dialog.remoteTag !== toTag) {
    // DEVIATION: one early dialog per INVITE; a reliable 1xx of another fork reaches the app untracked.
    return true;
  }
  const last = dialog.lastRemoteRSeq;
  if (last !== undefined && rseq !== last + 1) return false;
  dialog.lastRemoteRSeq = rseq;
  dialog.refreshTarget(contactUri(res));
  return true;
}

/** §13.2.2.4 / RFC 3262 §4: a 2xx confirms the early dialog with the same To tag (route set recomputed), else a new dialog is made. */
export function confirmUacDialog(ctx: CoreContext, rec: OutboundTxn, res: SipResponse, from: ReceivedFrom, usage: DialogUsage): Dialog {
  const existing = ctx.dialogs.get(rec.dialogId);
  if (existing && existing.role === 'uac' && existing.remoteTag === getToTag(res) && existing.state !== 'terminated') {
    if (existing.state === 'early') existing.routeSet = responseRouteSet(res);
    existing.refreshTarget(contactUri(res));
    existing.confirm();
    return existing;
  }
  if (existing?.state === 'early') ctx.dialogs.remove(existing);
  const dialog = buildUacDialog(rec, res, from, usage);
  dialog.confirm();
  ctx.dialogs.add(dialog);
  return dialog;
}
