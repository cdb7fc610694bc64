// RFC 6665 SUBSCRIBE dialogs (created by the 2xx or by an early NOTIFY, ended by NOTIFY terminated) and
// RFC 3515 REFER's implicit subscription, which lives in the INVITE dialog and does not end it.
import { describe, expect, it } from 'vitest';
import { getToTag, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { FROM_PEER, INVITE, MemoryServerTxn, parse, setup } from './core-test-harness.js';

const SUBSCRIBE = `SUBSCRIBE sip:bob@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKsub
Max-Forwards: 70
From: <sip:alice@127.0.0.1:5070>;tag=ftag
To: <sip:bob@127.0.0.1:5060>
Call-ID: sub-1@127.0.0.1
CSeq: 1 SUBSCRIBE
Contact: <sip:alice@127.0.0.1:5070>
Event: presence
Expires: 600
Content-Length: 0

`;

/** A NOTIFY from the network (the notifier) in the subscriber's dialog. */
function networkNotify(callId: string, fromTag: string, toTag: string, seq: number, state: string, from = '<sip:bob@127.0.0.1:5080>'): SipRequest {
  return parse(
    `NOTIFY sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKn${seq}\nFrom: ${from};tag=${fromTag}\nTo: <sip:x@127.0.0.1:5060>;tag=${toTag}\nCall-ID: ${callId}\nCSeq: ${seq} NOTIFY\nContact: <sip:bob@127.0.0.1:5081>\nEvent: presence\nSubscription-State: ${state}\nContent-Length: 0\n\n`,
  ) as SipRequest;
}

describe('UAS (notifier app): SUBSCRIBE from the network', () => {
  it('creates the dialog on the app 202, sends the app NOTIFYs in it, and ends it with NOTIFY terminated', () => {
    const { stack, core, app, last } = setup(['subscribe']);
    const txn = new MemoryServerTxn(parse(SUBSCRIBE) as SipRequest);
    core.onRequest(txn);
    const frame = last();
    expect(frame.fields[9]).toBe(''); // new request: no dialog id yet
    app(`sip|${frame.fields[8]}|`, 'SIP/2.0 202 Accepted\ncseq: 1 SUBSCRIBE\nexpires: 600\nContent-Length: 0\n\n');
    const dialogId = 'sub-1@127.0.0.1;from-tag=ftag';
    expect(last().fields[11]).toBe(dialogId);
    expect(txn.responses[0]?.headers.get('contact')).toBe('<sip:127.0.0.1:5060>');
    expect(core.dialogCount).toBe(1);

    app(`sip||${dialogId}`, 'NOTIFY sip:placeholder SIP/2.0\nevent: presence\nsubscription-state: active;expires=600\nContent-Length: 0\n\n');
    const notify = stack.sent[0]!;
    expect(notify.request.uri).toBe('sip:alice@127.0.0.1:5070');
    expect(getToTag(notify.request)).toBe('ftag');
    notify.user.onResponse(parse(`SIP/2.0 200 OK\nVia: ${notify.request.headers.get('via')}\nFrom: ${notify.request.headers.get('from')}\nTo: ${notify.request.headers.get('to')}\nCall-ID: sub-1@127.0.0.1\nCSeq: ${notify.request.headers.get('cseq')}\nContent-Length: 0\n\n`) as SipResponse, FROM_PEER);
    expect(core.dialogCount).toBe(1);

    app(`sip||${dialogId}`, 'NOTIFY sip:placeholder SIP/2.0\nevent: presence\nsubscription-state: terminated;reason=timeout\nContent-Length: 0\n\n');
    const last2 = stack.sent[1]!;
    expect(core.dialogCount).toBe(1); // drachtio clears it on the response
    last2.user.onResponse(parse(`SIP/2.0 200 OK\nVia: ${last2.request.headers.get('via')}\nFrom: ${last2.request.headers.get('from')}\nTo: ${last2.request.headers.get('to')}\nCall-ID: sub-1@127.0.0.1\nCSeq: ${last2.request.headers.get('cseq')}\nContent-Length: 0\n\n`) as SipResponse, FROM_PEER);
    expect(core.dialogCount).toBe(0);
  });

  it('creates no dialog when the app rejects the SUBSCRIBE', () => {
    const { core, app, last } = setup(['subscribe']);
    core.onRequest(new MemoryServerTxn(parse(SUBSCRIBE) as SipRequest));
    app(`sip|${last().fields[8]}|`, 'SIP/2.0 489 Bad Event\ncseq: 1 SUBSCRIBE\nContent-Length: 0\n\n');
    expect(core.dialogCount).toBe(0);
  });
});

describe('UAC (subscriber app): SUBSCRIBE sent by the app', () => {
  function subscribing() {
    const h = setup();
    h.app('sip||', 'SUBSCRIBE sip:bob@127.0.0.1:5080 SIP/2.0\nfrom: sip:alice@localhost\nevent: presence\nexpires: 600\nContent-Length: 0\n\n');
    const txnId = h.last().fields[10] as string;
    const sent = h.stack.sent[0]!;
    const req = sent.request;
    const callId = req.headers.get('call-id') as string;
    const ourTag = /tag=(\w+)/.exec(req.headers.get('from') as string)?.[1] as string;
    const respond = (status: number): void => {
      const text = `SIP/2.0 ${status} X\nVia: ${req.headers.get('via')}\nFrom: ${req.headers.get('from')}\nTo: <sip:bob@127.0.0.1:5080>;tag=ntag\nCall-ID: ${callId}\nCSeq: ${req.headers.get('cseq')}\nContact: <sip:bob@127.0.0.1:5081>\nExpires: 600\nContent-Length: 0\n\n`;
      sent.user.onResponse(parse(text) as SipResponse, { ...FROM_PEER, remotePort: 5080 });
    };
    return { ...h, txnId, req, callId, ourTag, dialogId: `${callId};from-tag=${ourTag}`, respond };
  }

  it('creates the dialog on the 202 (responses carry the dialog id), takes NOTIFYs in it, and ends it on NOTIFY terminated', () => {
    const { core, last, callId, ourTag, dialogId, txnId, respond } = subscribing();
    respond(202);
    expect(last().fields.slice(8, 10)).toEqual([txnId, dialogId]);
    expect(core.dialogCount).toBe(1);
    const active = new MemoryServerTxn(networkNotify(callId, 'ntag', ourTag, 1, 'active;expires=600'));
    core.onRequest(active);
    expect(active.responses).toHaveLength(0);
    expect(last().fields[9]).toBe(dialogId);
    const ended = new MemoryServerTxn(networkNotify(callId, 'ntag', ourTag, 2, 'terminated;reason=noresource'));
    core.onRequest(ended);
    expect(last().fields[9]).toBe(dialogId);
    expect(core.dialogCount).toBe(0);
  });

  it('lets a NOTIFY that arrives before the 2xx create the dialog (RFC 6665 §4.1.2.4), which the 2xx then keeps', () => {
    const { core, last, callId, ourTag, dialogId, respond } = subscribing();
    const early = new MemoryServerTxn(networkNotify(callId, 'ntag', ourTag, 1, 'active;expires=600'));
    core.onRequest(early);
    expect(early.responses).toHaveLength(0);
    expect(last().sip.startsWith('NOTIFY ')).toBe(true);
    expect(last().fields[9]).toBe(dialogId);
    expect(core.dialogCount).toBe(1);
    respond(202);
    expect(core.dialogCount).toBe(1);
  });

  it('drops the dialog an early NOTIFY made when the SUBSCRIBE then fails', () => {
    const { core, callId, ourTag, respond } = subscribing();
    core.onRequest(new MemoryServerTxn(networkNotify(callId, 'ntag', ourTag, 1, 'active;expires=600')));
    expect(core.dialogCount).toBe(1);
    respond(489);
    expect(core.dialogCount).toBe(0);
  });

  it('answers 481 to a NOTIFY for another event package or an unknown subscription', () => {
    const { core, callId, ourTag } = subscribing();
    const otherEvent = networkNotify(callId, 'ntag', ourTag, 1, 'active');
    otherEvent.headers.set('Event', 'dialog');
    const other = new MemoryServerTxn(otherEvent);
    core.onRequest(other);
    expect(other.responses.map((r) => r.status)).toEqual([481]);
    const unknown = new MemoryServerTxn(networkNotify('nope@x', 'ntag', ourTag, 1, 'active'));
    core.onRequest(unknown);
    expect(unknown.responses.map((r) => r.status)).toEqual([481]);
    expect(core.dialogCount).toBe(0);
  });
});

describe('REFER in an INVITE dialog (RFC 3515)', () => {
  it('reaches the owner with the dialog id, and the app NOTIFY terminated (sipfrag) does not end the call', () => {
    const { stack, core, app, last } = setup();
    const invite = new MemoryServerTxn(parse(INVITE) as SipRequest);
    core.onRequest(invite);
    app(`sip|${last().fields[8]}|`, 'SIP/2.0 200 OK\ncontent-type: application/sdp\n\nv=0');
    const tag = getToTag(invite.responses[0] as SipResponse) as string;
    core.onAck(parse(`ACK sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-1@127.0.0.1\nCSeq: 1 ACK\nContent-Length: 0\n\n`) as SipRequest, FROM_PEER);
    const refer = new MemoryServerTxn(parse(`REFER sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKref\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-1@127.0.0.1\nCSeq: 2 REFER\nContact: <sip:alice@127.0.0.1:5070>\nRefer-To: <sip:carol@127.0.0.1:5090>\nContent-Length: 0\n\n`) as SipRequest);
    core.onRequest(refer);
    const frame = last();
    expect(frame.sip.startsWith('REFER ')).toBe(true);
    expect(frame.fields[9]).toBe('call-1@127.0.0.1;from-tag=ftag');
    app(`sip|${frame.fields[8]}|`, 'SIP/2.0 202 Accepted\ncseq: 2 REFER\nContent-Length: 0\n\n');
    expect(refer.responses.map((r) => r.status)).toEqual([202]);
    app('sip||call-1@127.0.0.1;from-tag=ftag', 'NOTIFY sip:placeholder SIP/2.0\nevent: refer\nsubscription-state: terminated;reason=noresource\ncontent-type: message/sipfrag;version=2.0\nContent-Length: 16\n\nSIP/2.0 200 OK\n');
    const notify = stack.sent.at(-1)!;
    expect(notify.request.method).toBe('NOTIFY');
    expect(notify.request.body.toString()).toBe('SIP/2.0 200 OK\r\n');
    notify.user.onResponse(parse(`SIP/2.0 200 OK\nVia: ${notify.request.headers.get('via')}\nFrom: ${notify.request.headers.get('from')}\nTo: ${notify.request.headers.get('to')}\nCall-ID: call-1@127.0.0.1\nCSeq: ${notify.request.headers.get('cseq')}\nContent-Length: 0\n\n`) as SipResponse, FROM_PEER);
    expect(core.dialogCount).toBe(1);
  });
});
