// Network → app requests (/work/shared/drachtio-protocol.md §3.5, §4, §5.6, §5.8; RFC 3261 §8.2, §12.1.1,
// §12.2.2, §13.3.1.4), and the app's responses to them (§3.6 "Reply to a response").
import { createResponse, getCSeq, getCallId, getFromTag, getToTag, serializeMessage, setToTag } from '#sip-server/message/index.js';
import type { SipRequest, SipResponse } from '#sip-server/message/index.js';
import { makeDialogId, type Dialog } from '#sip-server/dialog/index.js';
import type { AppConnection, AppMessage } from '#sip-server/wire/index.js';
import { emitCdr } from './cdr.js';
import { applicationMeta, networkMeta, type CoreContext, type InboundTxn } from './core-context.js';
import { contactFor, substituteLocalhost, transportFor } from './local-transports.js';
import { contactUri, tagOf } from './party.js';
import { acknowledgeReliable, appWantsReliable, sendReliableProvisional } from './reliable-uas.js';
import type { ReceivedFrom, ServerTxn } from './stack-port.js';
import { dialogFromNotify, endsSubscription } from './subscription.js';
import { confirmUasDialog, dropEarlyUasDialog } from './uas-dialog.js';

/** §4.1: a request the app never answers is forgotten after 64 s (no SIP response is generated). */
const FORGET_UNANSWERED_MS = 64_000;

/** The connection lookup the core needs (owner of a dialog by id). */
export type ConnectionLookup = (id: string) => AppConnection | undefined;

/** A final response the server sends by itself (To tag per RFC 3261 §8.2.6.2). */
function reply(ctx: CoreContext, txn: ServerTxn, status: number, reason?: string, retryAfterSec?: number): void {
  const res = createResponse(txn.request, status, reason, { toTag: ctx.ids.tag() });
  if (retryAfterSec !== undefined) res.headers.set('Retry-After', String(retryAfterSec));
  txn.respond(res);
}

/** RFC 3261 §12.2 target refresh requests (RFC 3311 §5.2 UPDATE, RFC 6665 §4.1.2.1 / §4.1.3 SUBSCRIBE and NOTIFY). */
const TARGET_REFRESH: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY']);

/** A new request from the network (not ACK, not CANCEL, not a retransmission). */
export function handleNetworkRequest(ctx: CoreContext, txn: ServerTxn, lookup: ConnectionLookup): void {
  const req = txn.request;
  const callId = getCallId(req) ?? '';
  // §4.2 Recommendation: a Call-ID with `|` would break the frame's header line.
  if (callId.includes('|')) return reply(ctx, txn, 400, 'Invalid Call-ID');
  const toTag = getToTag(req);
  const fromTag = getFromTag(req) ?? '';
  if (toTag !== undefined) {
    // RFC 6665 §4.1.2.4: a NOTIFY may arrive before the 2xx to the SUBSCRIBE and then creates the dialog.
    const dialog = ctx.dialogs.match(callId, toTag, fromTag) ?? (req.method === 'NOTIFY' ? dialogFromNotify(ctx, req, txn.source) : undefined);
    if (!dialog) return reply(ctx, txn, 481); // §5.6: unknown dialog (INVITE with a stray To tag too)
    const owner = lookup(dialog.ownerId);
    if (!owner || !owner.open) {
      // §5.10: the owning app is gone.
      if (req.method === 'BYE') ctx.dialogs.remove(dialog);
      return reply(ctx, txn, 481);
    }
    const cseq = getCSeq(req);
    if (!cseq || !dialog.acceptRemoteSeq(cseq.seq, req.method)) return reply(ctx, txn, 500, 'CSeq Out Of Order'); // §12.2.2
    if (req.method === 'INVITE' && ctx.pendingAcks.has(dialog.id)) return reply(ctx, txn, 491); // §5.6: previous INVITE still unACKed
    // RFC 3262 §3: a PRACK matching no unacknowledged reliable 1xx gets 481.
    if (req.method === 'PRACK' && acknowledgeReliable(dialog, req) === 'no-match') return reply(ctx, txn, 481);
    if (req.method === 'UPDATE' && dialog.state === 'early') {
      // RFC 3311 §5.2: an UPDATE while another is unanswered gets 500 with Retry-After (0-10 s).
      if (dialog.updatePending) return reply(ctx, txn, 500, undefined, 5);
      dialog.updatePending = true;
    }
    if (TARGET_REFRESH.has(req.method)) dialog.refreshTarget(contactUri(req));
    if (req.method === 'BYE') {
      endDialogState(ctx, dialog);
      emitCdr(ctx, { kind: 'cdr:stop', source: 'network', reason: 'normal-release', message: req });
    }
    deliver(ctx, txn, owner, dialog, dialog.id, false);
    // Protocol §4.2 / RFC 6665 §4.1.3: a NOTIFY ending the subscription ends a SUBSCRIBE dialog.
    if (req.method === 'NOTIFY' && endsSubscription(dialog, req)) ctx.dialogs.remove(dialog);
    return;
  }
  switch (req.method) {
    case 'BYE':
    case 'UPDATE':
    case 'PRACK':
      return reply(ctx, txn, 481); // §5.6: out of dialog
    default:
      break;
  }
  const conn = ctx.routes.pick(req.method);
  if (!conn) {
    // §5.8: no app registered the verb.
    if (req.method === 'INVITE') {
      emitCdr(ctx, { kind: 'cdr:attempt', source: 'network', message: req });
      const res = createResponse(req, 503, undefined, { toTag: ctx.ids.tag() });
      txn.respond(res);
      emitCdr(ctx, { kind: 'cdr:stop', source: 'application', reason: 'call-rejected', message: res });
      return;
    }
    return reply(ctx, txn, 503);
  }
  if (req.method === 'INVITE') emitCdr(ctx, { kind: 'cdr:attempt', source: 'network', message: req });
  const dialogId = req.method === 'INVITE' || req.method === 'SUBSCRIBE' ? makeDialogId(callId, fromTag) : '';
  deliver(ctx, txn, conn, undefined, dialogId, true);
}

function deliver(ctx: CoreContext, txn: ServerTxn, conn: AppConnection, dialog: Dialog | undefined, dialogId: string, outOfDialog: boolean): void {
  const id = ctx.ids.uuid();
  const rec: InboundTxn = { id, txn, conn, dialog, dialogId, toTag: undefined, responded: false, finalSent: false, canceled: false, forgetTimer: undefined };
  rec.forgetTimer = ctx.clock.setTimer(FORGET_UNANSWERED_MS, () => forget(ctx, rec));
  ctx.inbound.set(id, rec);
  if (txn.request.method === 'INVITE') ctx.inboundByTxn.set(txn, rec);
  const src = txn.source;
  conn.send({
    kind: 'sip',
    meta: networkMeta(ctx, src),
    transactionId: id,
    dialogId: outOfDialog ? '' : dialogId,
    receivedOn: outOfDialog ? { address: src.localAddress, port: src.localPort } : undefined,
    sip: serializeMessage(txn.request),
  });
}

function forget(ctx: CoreContext, rec: InboundTxn): void {
  if (rec.dialog && rec.txn.request.method === 'UPDATE') rec.dialog.updatePending = false;
  ctx.clock.clearTimer(rec.forgetTimer);
  ctx.inbound.delete(rec.id);
  ctx.inboundByTxn.delete(rec.txn);
}

/**
 * §6.2: the app proxies a request it received. It must still be pending (no final response, not
 * canceled) and belong to `conn`; the core then forgets it, so the app can no longer answer it.
 */
export function releaseForProxy(ctx: CoreContext, conn: AppConnection, transactionId: string): ServerTxn | undefined {
  const rec = ctx.inbound.get(transactionId);
  if (!rec || rec.finalSent || rec.canceled || rec.conn !== conn) return undefined;
  forget(ctx, rec);
  return rec.txn;
}

/** Headers of the app's response the server takes from the request instead (§4.4). */
const FROM_REQUEST: ReadonlySet<string> = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/** The app's response to a request it received (`sip|<txnId>|` + response, §3.6). */
export function handleAppResponse(ctx: CoreContext, conn: AppConnection, m: Extract<AppMessage, { kind: 'sip' }>, app: SipResponse): void {
  const rec = m.transactionId === undefined ? undefined : ctx.inbound.get(m.transactionId);
  if (!rec || rec.finalSent || rec.canceled || rec.conn !== conn) {
    conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NOK', reason: 'Response not sent due to unknown transaction' });
    return;
  }
  const req = rec.txn.request;
  const isInvite = req.method === 'INVITE';
  const initial = rec.dialog === undefined;
  const res = createResponse(req, app.status, app.reason || undefined);
  // §4.4: To tag generated on the first response unless the app's To carries one.
  if (app.status > 100 && initial) {
    rec.toTag ??= tagOf(app.headers.get('to')) ?? ctx.ids.tag();
    setToTag(res, rec.toTag);
  }
  const t = transportFor(rec.txn.source.protocol, ctx.stack.transports()) ?? ctx.stack.transports()[0];
  for (const [name, value] of app.headers.entries()) {
    if (FROM_REQUEST.has(name)) continue;
    const v = t && (name === 'contact' || name === 'p-asserted-identity') ? substituteLocalhost(value, t) : value;
    res.headers.add(name, v);
  }
  // §5.3: Contact on 2xx to an initial INVITE/SUBSCRIBE and on every response in a dialog;
  // RFC 3311 §5.2: on a 2xx to UPDATE (a target refresh).
  const is2xx = app.status >= 200 && app.status < 300;
  const wantsContact = ((isInvite || req.method === 'SUBSCRIBE') && app.status > 100 && (initial ? app.status < 300 : true)) || (req.method === 'UPDATE' && is2xx);
  if (wantsContact && !res.headers.has('contact') && t) res.headers.set('Contact', contactFor(t));
  res.body = app.body;
  if (res.body.length > 0 && !res.headers.has('content-type') && res.body.subarray(0, 3).toString('latin1') === 'v=0') res.headers.set('Content-Type', 'application/sdp');
  if (appWantsReliable(req, app)) {
    // RFC 3262 §3: RSeq, retransmission until PRACK; an early dialog for an initial INVITE.
    const failure = sendReliableProvisional(ctx, rec, res, () => onReliableTimeout(ctx, rec));
    if (failure !== undefined) {
      conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NOK', reason: failure });
      return;
    }
  } else rec.txn.respond(res);
  rec.responded = true;
  const final = app.status >= 200;
  if (final) {
    rec.finalSent = true;
    forget(ctx, rec);
    if (isInvite && rec.dialog) {
      // A re-INVITE answered: its reliable 1xx are over (an initial INVITE's end with the early dialog).
      rec.dialog.reliableUas?.stop();
      rec.dialog.reliableUas = undefined;
    }
  }
  let dialogId = isInvite || req.method === 'SUBSCRIBE' || !initial ? rec.dialogId : '';
  if (isInvite && is2xx) {
    const dialog = rec.dialog ?? confirmUasDialog(ctx, rec, res, 'invite');
    dialogId = dialog.id;
    startAckWait(ctx, dialog, res, rec.txn);
    if (initial) emitCdr(ctx, { kind: 'cdr:start', source: 'application', role: 'uas', message: res });
  } else if (isInvite && app.status >= 300 && initial) {
    dropEarlyUasDialog(ctx, rec);
    emitCdr(ctx, { kind: 'cdr:stop', source: 'application', reason: 'call-rejected', message: res });
  } else if (req.method === 'SUBSCRIBE' && initial && is2xx) {
    confirmUasDialog(ctx, rec, res, 'subscribe'); // RFC 6665 §4.2.1: the 2xx creates the notifier's dialog
  }
  conn.send({
    kind: 'response-response-sent',
    inReplyTo: m.msgId,
    meta: applicationMeta(ctx, { protocol: rec.txn.source.protocol, address: rec.txn.source.remoteAddress, port: rec.txn.source.remotePort }),
    transactionId: rec.id,
    dialogId,
    sip: serializeMessage(res),
  });
}

/** RFC 3262 §3: no PRACK for 64*T1 — the INVITE is rejected with a 5xx (the app's later answer gets NOK). */
function onReliableTimeout(ctx: CoreContext, rec: InboundTxn): void {
  if (rec.finalSent) return;
  rec.finalSent = true;
  const res = createResponse(rec.txn.request, 503, 'Reliable Response Time-Out', { toTag: rec.toTag ?? getToTag(rec.txn.request) ?? ctx.ids.tag() });
  rec.txn.respond(res);
  forget(ctx, rec);
  ctx.log.info({ callId: getCallId(rec.txn.request) }, 'reliable provisional response never acknowledged, INVITE rejected');
  if (rec.dialog) {
    rec.dialog.reliableUas = undefined; // a re-INVITE: the call itself goes on
    return;
  }
  dropEarlyUasDialog(ctx, rec);
  emitCdr(ctx, { kind: 'cdr:stop', source: 'application', reason: 'call-rejected', message: res });
}

/** RFC 3261 §13.3.1.4: retransmit the 2xx (UDP) from T1 doubling to T2 until the ACK; give up after 64*T1. */
function startAckWait(ctx: CoreContext, dialog: Dialog, res: SipResponse, txn: ServerTxn): void {
  const src = txn.source;
  const prev = ctx.pendingAcks.get(dialog.id);
  if (prev) ctx.clock.clearTimer(prev.timer);
  const destination = { protocol: src.protocol, address: src.remoteAddress, port: src.remotePort };
  const reliable = src.protocol !== 'udp';
  const limitMs = 64 * ctx.timers.t1Ms;
  const p = { dialog, response: res, destination, intervalMs: ctx.timers.t1Ms, elapsedMs: 0, timer: undefined as ReturnType<typeof ctx.clock.setTimer> | undefined };
  const schedule = (): void => {
    const delay = reliable ? limitMs - p.elapsedMs : Math.min(p.intervalMs, limitMs - p.elapsedMs);
    p.timer = ctx.clock.setTimer(delay, () => {
      p.elapsedMs += delay;
      if (p.elapsedMs >= limitMs) {
        ctx.pendingAcks.delete(dialog.id);
        ctx.onAckTimeout(dialog);
        return;
      }
      txn.respond(res); // RFC 6026 §7.1: retransmitted through the Accepted transaction
      p.intervalMs = Math.min(2 * p.intervalMs, ctx.timers.t2Ms);
      schedule();
    });
  };
  schedule();
  ctx.pendingAcks.set(dialog.id, p);
}

function endDialogState(ctx: CoreContext, dialog: Dialog): void {
  ctx.dialogs.remove(dialog);
  const p = ctx.pendingAcks.get(dialog.id);
  if (p) {
    ctx.clock.clearTimer(p.timer);
    ctx.pendingAcks.delete(dialog.id);
  }
}

/** An ACK for a 2xx (§13.3.1.4): stops retransmission and reaches the dialog owner with the dialog id (§3.5c). */
export function handleNetworkAck(ctx: CoreContext, ack: SipRequest, from: ReceivedFrom, lookup: ConnectionLookup): void {
  const dialog = ctx.dialogs.match(getCallId(ack) ?? '', getToTag(ack) ?? '', getFromTag(ack) ?? '');
  if (!dialog) return; // §5.6: stray ACKs are dropped
  const p = ctx.pendingAcks.get(dialog.id);
  if (!p) return; // a retransmitted ACK: already delivered
  ctx.clock.clearTimer(p.timer);
  ctx.pendingAcks.delete(dialog.id);
  const owner = lookup(dialog.ownerId);
  if (!owner || !owner.open) return;
  owner.send({ kind: 'sip', meta: networkMeta(ctx, from), transactionId: ctx.ids.uuid(), dialogId: dialog.id, receivedOn: undefined, sip: serializeMessage(ack) });
}

/** §4.4 CANCEL handling (UAS): the layer answered 200; we send 487 and tell the app (§3.5d). */
export function handleNetworkCancel(ctx: CoreContext, invite: ServerTxn, cancel: SipRequest, from: ReceivedFrom): void {
  const rec = ctx.inboundByTxn.get(invite);
  if (!rec || rec.finalSent) return;
  rec.canceled = true;
  rec.finalSent = true;
  rec.toTag ??= ctx.ids.tag();
  invite.respond(createResponse(invite.request, 487, undefined, { toTag: rec.toTag }));
  dropEarlyUasDialog(ctx, rec);
  forget(ctx, rec);
  emitCdr(ctx, { kind: 'cdr:stop', source: 'network', reason: 'call-canceled', message: cancel });
  if (!rec.conn.open) return;
  rec.conn.send({
    kind: 'sip',
    meta: networkMeta(ctx, from),
    transactionId: rec.id,
    dialogId: rec.responded ? rec.dialogId : '',
    receivedOn: undefined,
    sip: serializeMessage(cancel),
  });
}

/** §5.10 Recommendation: pending INVITEs of a vanished app get 480; other pending requests are dropped. */
export function abandonConnection(ctx: CoreContext, conn: AppConnection): void {
  for (const rec of [...ctx.inbound.values()]) {
    if (rec.conn !== conn) continue;
    if (rec.txn.request.method === 'INVITE' && !rec.finalSent) {
      rec.finalSent = true;
      rec.toTag ??= ctx.ids.tag();
      rec.txn.respond(createResponse(rec.txn.request, 480, undefined, { toTag: rec.toTag }));
      dropEarlyUasDialog(ctx, rec);
    }
    forget(ctx, rec);
  }
}
