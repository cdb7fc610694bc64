import { describe, expect, it } from 'vitest';
import { getToTag, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { FROM_PEER, INVITE, MemoryServerTxn, parse, setup } from './core-test-harness.js';

/** An answered and ACKed call from the network to app-1 (UAS dialog); returns its drachtio dialog id and our To tag. */
function establish(h: ReturnType<typeof setup>): { dialogId: string; tag: string } {
  const txn = new MemoryServerTxn(parse(INVITE) as SipRequest);
  h.core.onRequest(txn);
  h.app(`sip|${h.last().fields[8]}|`, 'SIP/2.0 200 OK\ncontent-type: application/sdp\n\nv=0');
  const tag = getToTag(txn.responses[0] as SipResponse) ?? '';
  const ack = `ACK sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKack\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-1@127.0.0.1\nCSeq: 1 ACK\nContent-Length: 0\n\n`;
  h.core.onAck(parse(ack) as SipRequest, FROM_PEER);
  return { dialogId: h.last().fields[9] as string, tag };
}

describe('orphaned dialogs after app connection loss (protocol §5.10 recommendation)', () => {
  it('BYEs the far end and forgets the dialog when the grace period ends with no app acting on it', () => {
    const h = setup([], { orphanGraceMs: 60_000 });
    establish(h);
    h.conn.close();
    expect(h.core.orphanedDialogCount).toBe(1);
    h.clock.advance(59_999);
    expect(h.stack.sent).toHaveLength(0);
    expect(h.core.dialogCount).toBe(1);
    h.clock.advance(1);
    expect(h.stack.sent.map((s) => s.request.method)).toEqual(['BYE']);
    const bye = h.stack.sent[0]?.request;
    expect(bye?.uri).toBe('sip:alice@127.0.0.1:5070');
    expect(bye?.headers.get('reason')).toBe('SIP ;cause=480 ;text="Application disconnected"');
    expect(bye?.headers.get('to')).toBe('<sip:alice@127.0.0.1:5070>;tag=ftag');
    expect(h.stack.sent[0]?.dest).toEqual({ protocol: 'udp', address: '127.0.0.1', port: 5070 });
    expect(h.core.dialogCount).toBe(0);
    expect(h.core.orphanedDialogCount).toBe(0);
  });

  it('lets a reconnected app adopt the dialog by sending in it: no teardown, and its BYE ends the call', () => {
    const h = setup([], { orphanGraceMs: 60_000 });
    const { dialogId } = establish(h);
    h.conn.close();
    h.clock.advance(30_000);
    const again = h.connect('app-2');
    h.frames.length = 0;
    again(`sip||${dialogId}`, 'INFO sip:placeholder SIP/2.0\nContent-Length: 0\n\n');
    expect(h.core.orphanedDialogCount).toBe(0);
    h.clock.advance(120_000);
    expect(h.stack.sent.map((s) => s.request.method)).toEqual(['INFO']);
    expect(h.core.dialogCount).toBe(1);
    again(`sip||${dialogId}`, 'BYE sip:placeholder SIP/2.0\nContent-Length: 0\n\n');
    expect(h.stack.sent.map((s) => s.request.method)).toEqual(['INFO', 'BYE']);
    expect(h.core.dialogCount).toBe(0);
  });

  it('does nothing more when the far end BYEs in the grace period (481, dialog gone, timer harmless)', () => {
    const h = setup([], { orphanGraceMs: 60_000 });
    const { tag } = establish(h);
    h.conn.close();
    const bye = new MemoryServerTxn(parse(`BYE sip:127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbye\nFrom: <sip:alice@127.0.0.1:5070>;tag=ftag\nTo: <sip:bob@127.0.0.1:5060>;tag=${tag}\nCall-ID: call-1@127.0.0.1\nCSeq: 2 BYE\nContent-Length: 0\n\n`) as SipRequest);
    h.core.onRequest(bye);
    expect(bye.responses.map((r) => r.status)).toEqual([481]);
    expect(h.core.dialogCount).toBe(0);
    h.clock.advance(60_000);
    expect(h.stack.sent).toHaveLength(0);
    expect(h.core.orphanedDialogCount).toBe(0);
  });

  it('keeps the dialog for ever with a grace of 0 (the C++ server behaviour)', () => {
    const h = setup([], { orphanGraceMs: 0 });
    establish(h);
    h.conn.close();
    h.clock.advance(3_600_000);
    expect(h.stack.sent).toHaveLength(0);
    expect(h.core.dialogCount).toBe(1);
  });
});
