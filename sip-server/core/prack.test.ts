// RFC 3262 (PRACK / 100rel) and RFC 3311 (UPDATE in early dialogs) in the UA core, both directions.
import { describe, expect, it } from 'vitest';
import { getCSeq, getToTag, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { FROM_PEER, INVITE, MemoryServerTxn, parse, setup } from './core-test-harness.js';

const REL_INVITE = INVITE.replace('Contact: <sip:alice@127.0.0.1:5070>\n', 'Contact: <sip:alice@127.0.0.1:5070>\nSupported: 100rel, timer\n');
const APP_RESPONSE_HEAD = 'call-id: call-1@127.0.0.1\ncseq: 1 INVITE\nfrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nto: <sip:bob@127.0.0.1:5060>\n';

function inDialog(method: string, seq: number, toTag: string, extra = ''): SipRequest {
  return parse(
    `${method} sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${method}${seq}\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${toTag}\nCall-ID: call-1@127.0.0.1\nCSeq: ${seq} ${method}\nContact: <sip:alice@127.0.0.1:5070>\n${extra}Content-Length: 0\n\n`,
  ) as SipRequest;
}

/** A network INVITE offering 100rel, answered by the app with a reliable 180. */
function reliableRinging() {
  const h = setup();
  const txn = new MemoryServerTxn(parse(REL_INVITE) as SipRequest);
  h.core.onRequest(txn);
  const txnId = h.last().fields[8] as string;
  h.app(`sip|${txnId}|`, `SIP/2.0 180 Ringing\n${APP_RESPONSE_HEAD}require: 100rel\nContent-Length: 0\n\n`);
  const r180 = txn.responses[0] as SipResponse;
  return { ...h, txn, txnId, r180, toTag: getToTag(r180) as string, rseq: Number(r180.headers.get('rseq')) };
}

describe('UAS: app 1xx with Require: 100rel (RFC 3262 §3)', () => {
  it('sends it with RSeq and Contact, retransmits until the PRACK, delivers the PRACK with the dialog id, then confirms the dialog on 200', () => {
    const { clock, core, app, last, txn, txnId, r180, toTag, rseq } = reliableRinging();
    expect(rseq).toBeGreaterThanOrEqual(1);
    expect(rseq).toBeLessThan(2 ** 31);
    expect(r180.headers.get('require')).toBe('100rel');
    expect(r180.headers.get('contact')).toBe('<sip:127.0.0.1:5060>');
    expect(last().fields[3]).toBe('OK');
    expect(last().fields[11]).toBe('call-1@127.0.0.1;from-tag=ftag');
    expect(last().sip).toContain(`RSeq: ${rseq}`);
    expect(core.dialogCount).toBe(1); // early dialog

    clock.advance(500);
    clock.advance(1000);
    expect(txn.responses.map((r) => r.status)).toEqual([180, 180, 180]);

    const wrong = new MemoryServerTxn(inDialog('PRACK', 2, toTag, `RAck: ${rseq + 1} 1 INVITE\n`));
    core.onRequest(wrong);
    expect(wrong.responses.map((r) => r.status)).toEqual([481]);

    const prack = new MemoryServerTxn(inDialog('PRACK', 3, toTag, `RAck: ${rseq} 1 INVITE\n`));
    core.onRequest(prack);
    const prackFrame = last();
    expect(prackFrame.sip.startsWith('PRACK ')).toBe(true);
    expect(prackFrame.fields[9]).toBe('call-1@127.0.0.1;from-tag=ftag');
    clock.advance(10_000);
    expect(txn.responses).toHaveLength(3); // retransmission stopped

    app(`sip|${prackFrame.fields[8]}|`, 'SIP/2.0 200 OK\ncseq: 3 PRACK\nContent-Length: 0\n\n');
    expect(prack.responses.map((r) => r.status)).toEqual([200]);
    expect(getToTag(prack.responses[0] as SipResponse)).toBe(toTag);

    app(`sip|${txnId}|`, `SIP/2.0 200 OK\n${APP_RESPONSE_HEAD}content-type: application/sdp\nContent-Length: 3\n\nv=0`);
    expect(txn.responses.at(-1)?.status).toBe(200);
    expect(getToTag(txn.responses.at(-1) as SipResponse)).toBe(toTag);
    expect(core.dialogCount).toBe(1);
    // A PRACK after the 200 matches nothing.
    const late = new MemoryServerTxn(inDialog('PRACK', 4, toTag, `RAck: ${rseq} 1 INVITE\n`));
    core.onRequest(late);
    expect(late.responses.map((r) => r.status)).toEqual([481]);
  });

  it('refuses the reliable 1xx with NOK when the caller offered no 100rel', () => {
    const { core, app, last } = setup();
    const txn = new MemoryServerTxn(parse(INVITE) as SipRequest);
    core.onRequest(txn);
    app(`sip|${last().fields[8]}|`, `SIP/2.0 183 Session Progress\n${APP_RESPONSE_HEAD}require: 100rel\nContent-Length: 0\n\n`);
    expect(last().fields.slice(3)).toEqual(['NOK', 'Remote endpoint does not support 100rel']);
    expect(txn.responses).toHaveLength(0);
    expect(core.dialogCount).toBe(0);
  });

  it('rejects the INVITE with 503 when no PRACK comes in 64*T1, and the app answer is then refused', () => {
    const { clock, core, app, last, txn, txnId } = reliableRinging();
    clock.advance(32_000);
    expect(txn.responses.at(-1)?.status).toBe(503);
    expect(core.dialogCount).toBe(0);
    app(`sip|${txnId}|`, `SIP/2.0 200 OK\n${APP_RESPONSE_HEAD}Content-Length: 0\n\n`);
    expect(last().fields[3]).toBe('NOK');
  });

  it('drops the early dialog when the app rejects the INVITE, and 481s a PRACK after that', () => {
    const { core, app, txnId, toTag, rseq } = reliableRinging();
    app(`sip|${txnId}|`, `SIP/2.0 486 Busy Here\n${APP_RESPONSE_HEAD}Content-Length: 0\n\n`);
    expect(core.dialogCount).toBe(0);
    const prack = new MemoryServerTxn(inDialog('PRACK', 2, toTag, `RAck: ${rseq} 1 INVITE\n`));
    core.onRequest(prack);
    expect(prack.responses.map((r) => r.status)).toEqual([481]);
  });

  it('stops retransmitting, without throwing, when the INVITE transaction can no longer send', () => {
    const { clock, txn } = reliableRinging();
    let attempts = 0;
    txn.respond = () => {
      attempts++;
      throw new Error('transaction terminated');
    };
    expect(() => clock.advance(500)).not.toThrow();
    clock.advance(60_000);
    expect(attempts).toBe(1);
  });

  it('drops the early dialog when the caller cancels', () => {
    const { core, txn } = reliableRinging();
    const cancel = parse(REL_INVITE.replace(/INVITE/g, 'CANCEL').replace('Content-Type: application/sdp\n', '').replace('Content-Length: 4\n\nv=0\n', 'Content-Length: 0\n\n')) as SipRequest;
    core.onCancel(txn, cancel, FROM_PEER);
    expect(txn.responses.at(-1)?.status).toBe(487);
    expect(core.dialogCount).toBe(0);
  });
});

describe('UAS: reliable 1xx to a re-INVITE (drachtio sends any INVITE 1xx with Require: 100rel reliably)', () => {
  it('numbers it, takes the PRACK in the confirmed dialog, stops on the final answer, and the call goes on', () => {
    const { clock, core, app, last, txnId, toTag } = reliableRinging();
    app(`sip|${txnId}|`, `SIP/2.0 200 OK\n${APP_RESPONSE_HEAD}content-type: application/sdp\nContent-Length: 3\n\nv=0`);
    core.onAck(inDialog('ACK', 1, toTag), FROM_PEER);
    const reinvite = new MemoryServerTxn(inDialog('INVITE', 5, toTag, 'Supported: 100rel\n'));
    core.onRequest(reinvite);
    const frame = last();
    expect(frame.fields[9]).toBe('call-1@127.0.0.1;from-tag=ftag');
    app(`sip|${frame.fields[8]}|`, 'SIP/2.0 183 Session Progress\ncseq: 5 INVITE\nrequire: 100rel\nContent-Length: 0\n\n');
    const r183 = reinvite.responses[0] as SipResponse;
    const rseq = Number(r183.headers.get('rseq'));
    expect(rseq).toBeGreaterThan(0);
    expect(getToTag(r183)).toBe(toTag);
    clock.advance(500);
    expect(reinvite.responses.map((r) => r.status)).toEqual([183, 183]);
    const prack = new MemoryServerTxn(inDialog('PRACK', 6, toTag, `RAck: ${rseq} 5 INVITE\n`));
    core.onRequest(prack);
    expect(prack.responses).toHaveLength(0); // delivered to the app
    expect(last().sip.startsWith('PRACK ')).toBe(true);
    app(`sip|${frame.fields[8]}|`, 'SIP/2.0 200 OK\ncseq: 5 INVITE\ncontent-type: application/sdp\nContent-Length: 3\n\nv=0');
    core.onAck(inDialog('ACK', 5, toTag), FROM_PEER);
    clock.advance(60_000);
    expect(reinvite.responses.filter((r) => r.status === 183)).toHaveLength(2);
    expect(core.dialogCount).toBe(1);
  });
});

describe('UAS: UPDATE in the early dialog (RFC 3311 §5.2)', () => {
  it('reaches the app with the dialog id; a second one while the first is unanswered gets 500 + Retry-After; the 2xx gets a Contact', () => {
    const { core, app, last, toTag } = reliableRinging();
    const update = new MemoryServerTxn(inDialog('UPDATE', 2, toTag));
    core.onRequest(update);
    const frame = last();
    expect(frame.sip.startsWith('UPDATE ')).toBe(true);
    expect(frame.fields[9]).toBe('call-1@127.0.0.1;from-tag=ftag');
    const second = new MemoryServerTxn(inDialog('UPDATE', 3, toTag));
    core.onRequest(second);
    expect(second.responses.map((r) => r.status)).toEqual([500]);
    expect(second.responses[0]?.headers.get('retry-after')).toBe('5');

    app(`sip|${frame.fields[8]}|`, 'SIP/2.0 200 OK\ncseq: 2 UPDATE\ncontent-type: application/sdp\nContent-Length: 3\n\nv=0');
    expect(update.responses.map((r) => r.status)).toEqual([200]);
    expect(update.responses[0]?.headers.get('contact')).toBe('<sip:127.0.0.1:5060>');
    const third = new MemoryServerTxn(inDialog('UPDATE', 4, toTag));
    core.onRequest(third);
    expect(third.responses).toHaveLength(0);
    expect(last().sip.startsWith('UPDATE ')).toBe(true);
  });
});

describe('UAC: reliable 1xx to an app INVITE (RFC 3262 §4)', () => {
  function ringingUac() {
    const h = setup();
    h.app('sip||', 'INVITE sip:bob@127.0.0.1:5080 SIP/2.0\nfrom: sip:1555@localhost\nsupported: 100rel\nContent-Length: 3\n\nv=0');
    const txnId = h.last().fields[10] as string;
    const sent = h.stack.sent[0]!;
    const req = sent.request;
    const callId = req.headers.get('call-id') as string;
    const dialogId = `${callId};from-tag=${/tag=(\w+)/.exec(req.headers.get('from') as string)?.[1]}`;
    const respond = (status: number, extra = ''): void => {
      const text = `SIP/2.0 ${status} X\nVia: ${req.headers.get('via')}\nFrom: ${req.headers.get('from')}\nTo: <sip:bob@127.0.0.1:5080>;tag=rtag\nCall-ID: ${callId}\nCSeq: ${req.headers.get('cseq')}\n${extra}Content-Length: 0\n\n`;
      sent.user.onResponse(parse(text) as SipResponse, { ...FROM_PEER, remotePort: 5080 });
    };
    return { ...h, txnId, req, dialogId, respond };
  }

  it('makes the early dialog, drops retransmissions, sends the app PRACK to the remote target, and confirms the same dialog on 200', () => {
    const { stack, core, app, last, frames, txnId, req, dialogId, respond } = ringingUac();
    respond(183, 'RSeq: 9\nRequire: 100rel\nContact: <sip:bob@127.0.0.1:5081>\n');
    expect(last().fields.slice(8, 10)).toEqual([txnId, dialogId]);
    expect(core.dialogCount).toBe(1);
    const before = frames.length;
    respond(183, 'RSeq: 9\nRequire: 100rel\nContact: <sip:bob@127.0.0.1:5081>\n');
    respond(183, 'RSeq: 11\nRequire: 100rel\nContact: <sip:bob@127.0.0.1:5081>\n'); // out of order
    expect(frames.length).toBe(before);

    app(`sip||${dialogId}`, 'PRACK sip:bob@127.0.0.1:5080 SIP/2.0\nRAck: 9 1 INVITE\nContent-Length: 0\n\n');
    expect(last().fields[3]).toBe('OK');
    const prack = stack.sent[1]!;
    expect(prack.request.method).toBe('PRACK');
    expect(prack.request.uri).toBe('sip:bob@127.0.0.1:5081');
    expect(prack.request.headers.get('rack')).toBe('9 1 INVITE');
    expect(getCSeq(prack.request)?.seq).toBe((getCSeq(req)?.seq ?? 0) + 1);
    expect(getToTag(prack.request)).toBe('rtag');

    respond(180, 'RSeq: 10\nContact: <sip:bob@127.0.0.1:5081>\n');
    expect(last().sip.startsWith('SIP/2.0 180')).toBe(true);
    respond(200, 'Contact: <sip:bob@127.0.0.1:5082>\n');
    expect(core.dialogCount).toBe(1);
    app(`sip||${dialogId}`, 'ACK sip:bob@127.0.0.1:5080 SIP/2.0\nContent-Length: 0\n\n');
    const ack = stack.stateless[0] as SipRequest;
    expect(ack.uri).toBe('sip:bob@127.0.0.1:5082');
    expect(getCSeq(ack)?.seq).toBe(getCSeq(req)?.seq);
  });

  it('ends the early dialog on a final failure', () => {
    const { core, respond } = ringingUac();
    respond(183, 'RSeq: 1\nContact: <sip:bob@127.0.0.1:5081>\n');
    expect(core.dialogCount).toBe(1);
    respond(486);
    expect(core.dialogCount).toBe(0);
  });
});
