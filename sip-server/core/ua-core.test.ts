import { describe, expect, it } from 'vitest';
import { getCSeq, getToTag, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { FROM_PEER, INVITE, MemoryServerTxn, parse, setup } from './core-test-harness.js';

describe('UaCore: network INVITE to an app (UAS)', () => {
  it('delivers the INVITE, sends the app answer with tag and Contact, retransmits 2xx until ACK, and routes BYE by dialog', () => {
    const { clock, stack, core, app, last } = setup();
    const txn = new MemoryServerTxn(parse(INVITE) as SipRequest);
    core.onRequest(txn);
    const inv = last();
    expect(inv.fields[1]).toBe('sip');
    expect(inv.fields[2]).toBe('network');
    expect(inv.fields[9]).toBe('');
    expect(inv.fields.slice(10, 12)).toEqual(['127.0.0.1', '5060']);
    const txnId = inv.fields[8] as string;

    app(`sip|${txnId}|`, 'SIP/2.0 180 Ringing\ncall-id: call-1@127.0.0.1\ncseq: 1 INVITE\nfrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nto: <sip:bob@127.0.0.1:5060>\nContent-Length: 0\n\n');
    const r180 = last();
    expect(r180.fields.slice(3, 4)).toEqual(['OK']);
    expect(r180.fields[11]).toBe('call-1@127.0.0.1;from-tag=ftag');
    const id200 = app(`sip|${txnId}|`, 'SIP/2.0 200 OK\ncall-id: call-1@127.0.0.1\ncseq: 1 INVITE\nfrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nto: <sip:bob@127.0.0.1:5060>\ncontent-type: application/sdp\nContent-Length: 3\n\nv=0');
    const r200 = last();
    expect(r200.fields[2]).toBe(id200);
    expect(r200.sip).toMatch(/Contact: <sip:127\.0\.0\.1:5060>/);
    expect(txn.responses.map((r) => r.status)).toEqual([180, 200]);
    expect(stack.stateless).toHaveLength(0);
    const tag = getToTag(txn.responses[1] as SipResponse);
    expect(tag).toBe(getToTag(txn.responses[0] as SipResponse));
    expect(txn.responses[1]?.headers.get('call-id')).toBe('call-1@127.0.0.1');

    clock.advance(500);
    clock.advance(1000);
    expect(txn.responses.map((r) => r.status)).toEqual([180, 200, 200, 200]);

    core.onAck(parse(`ACK sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-1@127.0.0.1\nCSeq: 1 ACK\nContent-Length: 0\n\n`) as SipRequest, FROM_PEER);
    expect(last().sip.startsWith('ACK ')).toBe(true);
    expect(last().fields[9]).toBe('call-1@127.0.0.1;from-tag=ftag');
    clock.advance(10_000);
    expect(txn.responses).toHaveLength(4);

    const bye = new MemoryServerTxn(parse(`BYE sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbye\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-1@127.0.0.1\nCSeq: 2 BYE\nContent-Length: 0\n\n`) as SipRequest);
    core.onRequest(bye);
    const byeFrame = last();
    expect(byeFrame.fields[9]).toBe('call-1@127.0.0.1;from-tag=ftag');
    expect(core.dialogCount).toBe(0);
    app(`sip|${byeFrame.fields[8]}|`, 'SIP/2.0 200 OK\ncseq: 2 BYE\nContent-Length: 0\n\n');
    expect(bye.responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers 503 when no app routes the method and 481 for an unknown dialog', () => {
    const { core } = setup();
    const opt = new MemoryServerTxn(parse(INVITE.replace(/INVITE/g, 'OPTIONS')) as SipRequest);
    core.onRequest(opt);
    expect(opt.responses.map((r) => r.status)).toEqual([503]);
    const stray = new MemoryServerTxn(parse(INVITE.replace('To: <sip:bob@127.0.0.1:5060>', 'To: <sip:bob@127.0.0.1:5060>;tag=nope').replace(/INVITE/g, 'INFO')) as SipRequest);
    core.onRequest(stray);
    expect(stray.responses.map((r) => r.status)).toEqual([481]);
  });

  it('sends 487 on CANCEL and notifies the app with the INVITE transaction id', () => {
    const { core, last, app } = setup();
    const txn = new MemoryServerTxn(parse(INVITE) as SipRequest);
    core.onRequest(txn);
    const txnId = last().fields[8];
    const cancel = new MemoryServerTxn(parse(INVITE.replace(/INVITE/g, 'CANCEL').replace('Content-Type: application/sdp\n', '').replace('Content-Length: 4\n\nv=0\n', 'Content-Length: 0\n\n')) as SipRequest);
    core.onCancel(txn, cancel.request, FROM_PEER);
    expect(txn.responses.map((r) => r.status)).toEqual([487]);
    expect(last().fields[8]).toBe(txnId);
    expect(last().sip.startsWith('CANCEL ')).toBe(true);
    app(`sip|${txnId}|`, 'SIP/2.0 486 Busy Here\nContent-Length: 0\n\n');
    expect(last().fields[3]).toBe('NOK');
  });

  it('ends an unACKed dialog after 64*T1 with a BYE and an unsolicited notice', () => {
    const { clock, stack, core, app, last } = setup();
    core.onRequest(new MemoryServerTxn(parse(INVITE) as SipRequest));
    app(`sip|${last().fields[8]}|`, 'SIP/2.0 200 OK\ncontent-type: application/sdp\n\nv=0');
    clock.advance(32_000);
    expect(stack.sent.map((s) => s.request.method)).toEqual(['BYE']);
    expect(stack.sent[0]?.request.uri).toBe('sip:alice@127.0.0.1:5070');
    expect(last().fields[8]).toBe('unsolicited');
    expect(last().fields[2]).toBe('application');
    expect(core.dialogCount).toBe(0);
  });
});

describe('UaCore: app connection lifecycle', () => {
  it('answers pending INVITEs of a vanished app with 480 and 481s requests in its dialogs (spec §5.10)', () => {
    const { core, app, last, conn } = setup();
    const pending = new MemoryServerTxn(parse(INVITE) as SipRequest);
    core.onRequest(pending);
    const answered = new MemoryServerTxn(parse(INVITE.replace(/call-1/g, 'call-2').replace('z9hG4bKabc', 'z9hG4bKdef')) as SipRequest);
    core.onRequest(answered);
    app(`sip|${last().fields[8]}|`, 'SIP/2.0 200 OK\ncontent-type: application/sdp\n\nv=0');
    const tag = getToTag(answered.responses[0] as SipResponse);
    conn.close();
    expect(pending.responses.map((r) => r.status)).toEqual([480]);
    const info = new MemoryServerTxn(parse(`INFO sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinfo\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-2@127.0.0.1\nCSeq: 2 INFO\nContent-Length: 0\n\n`) as SipRequest);
    core.onRequest(info);
    expect(info.responses.map((r) => r.status)).toEqual([481]);
  });
});

describe('UaCore: app-originated INVITE (UAC)', () => {
  it('completes the request, reports responses with the dialog id, ACKs 2xx with the INVITE CSeq and BYEs to the remote target', () => {
    const { stack, core, app, last } = setup();
    const msgId = app('sip||', 'INVITE sip:bob@127.0.0.1:5080 SIP/2.0\nfrom: sip:1555@localhost\ncontact: sip:1555@localhost\nContent-Length: 3\n\nv=0');
    const echo = last();
    expect(echo.fields[2]).toBe(msgId);
    expect(echo.fields[3]).toBe('OK');
    const txnId = echo.fields[10] as string;
    const sent = stack.sent[0]!;
    expect(sent.dest).toEqual({ protocol: 'udp', address: '127.0.0.1', port: 5080 });
    const req = sent.request;
    expect(req.headers.get('from')).toMatch(/^sip:1555@127\.0\.0\.1:5060;tag=/);
    expect(req.headers.get('contact')).toBe('sip:1555@127.0.0.1:5060');
    expect(req.headers.get('content-type')).toBe('application/sdp');
    expect(getCSeq(req)?.method).toBe('INVITE');
    expect(echo.sip).toContain('Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtest1');
    const callId = req.headers.get('call-id') as string;
    const fromTag = /tag=(\w+)/.exec(req.headers.get('from') as string)?.[1];
    const dialogId = `${callId};from-tag=${fromTag}`;

    const respond = (status: number, extra = ''): void => {
      const text = `SIP/2.0 ${status} X\nVia: ${req.headers.get('via')}\nFrom: ${req.headers.get('from')}\nTo: <sip:bob@127.0.0.1:5080>;tag=rtag\nCall-ID: ${callId}\nCSeq: ${req.headers.get('cseq')}\n${extra}Content-Length: 0\n\n`;
      sent.user.onResponse(parse(text) as SipResponse, { ...FROM_PEER, remotePort: 5080 });
    };
    respond(180);
    expect(last().fields.slice(8, 10)).toEqual([txnId, dialogId]);
    respond(200, 'Contact: <sip:bob@127.0.0.1:5081>\n');
    expect(last().sip.startsWith('SIP/2.0 200')).toBe(true);

    app(`sip||${dialogId}`, `ACK sip:bob@127.0.0.1:5080 SIP/2.0\nContent-Length: 0\n\n`);
    const ack = stack.stateless[0] as SipRequest;
    expect(ack.method).toBe('ACK');
    expect(ack.uri).toBe('sip:bob@127.0.0.1:5081');
    expect(getCSeq(ack)).toEqual({ seq: getCSeq(req)?.seq, method: 'ACK' });
    expect(last().fields[3]).toBe('OK');

    app(`sip||${dialogId}`, 'BYE sip:placeholder SIP/2.0\nContent-Length: 0\n\n');
    const bye = stack.sent[1]!.request;
    expect(bye.uri).toBe('sip:bob@127.0.0.1:5081');
    expect(getCSeq(bye)?.seq).toBe((getCSeq(req)?.seq ?? 0) + 1);
    expect(getToTag(bye)).toBe('rtag');
    expect(core.dialogCount).toBe(0);

    app(`sip||${dialogId}`, 'BYE sip:placeholder SIP/2.0\nContent-Length: 0\n\n');
    expect(last().fields[3]).toBe('NOK');
  });

  it('sends a new request carrying the Call-ID of a live dialog inside that dialog (§3.6 rule 4)', () => {
    const { stack, core, app, last } = setup();
    core.onRequest(new MemoryServerTxn(parse(INVITE) as SipRequest));
    app(`sip|${last().fields[8]}|`, 'SIP/2.0 200 OK\ncontent-type: application/sdp\n\nv=0');
    app('sip||', 'INFO sip:alice@127.0.0.1:5070 SIP/2.0\nCall-ID: call-1@127.0.0.1\nContent-Length: 0\n\n');
    const info = stack.sent[0]!.request;
    expect(info.method).toBe('INFO');
    expect(getToTag(info)).toBe('ftag');
    expect(stack.sent[0]!.dest).toEqual({ protocol: 'udp', address: '127.0.0.1', port: 5070 });
  });

  it('refuses requests to itself and non-SDP bodies without Content-Type', () => {
    const { app, last } = setup();
    app('sip||', 'OPTIONS sip:127.0.0.1:5060 SIP/2.0\nContent-Length: 0\n\n');
    expect(last().fields.slice(3)).toEqual(['NOK', 'can not send request to myself']);
    app('sip||', 'MESSAGE sip:bob@127.0.0.1:5080 SIP/2.0\nContent-Length: 2\n\nhi');
    expect(last().fields.slice(3)).toEqual(['NOK', 'missing content-type']);
  });
});
