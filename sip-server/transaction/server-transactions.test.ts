import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { SeededIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import type { MessageSource } from '#sip-server/transport/index.js';
import { FakeTransport, sip } from './fake-transport.js';
import type { InviteServerTransaction } from './invite-server.js';
import { TransactionLayer, type ServerTransaction, type TransactionUser } from './transaction-layer.js';

const log = createLogger({ service: 'test', level: 'silent' });

function source(protocol: 'udp' | 'tcp'): MessageSource {
  return { protocol, remoteAddress: '127.0.0.2', remotePort: 5080, localAddress: '127.0.0.1', localPort: 5060, connectionId: protocol === 'tcp' ? 'tcp-1' : undefined };
}

function req(method: string, opts: { branch?: string | null; toTag?: string; cseqMethod?: string; callId?: string; transport?: string } = {}): SipRequest {
  const branch = opts.branch === null ? '' : `;branch=${opts.branch ?? 'z9hG4bKinv1'}`;
  return sip(`${method} sip:bob@127.0.0.1 SIP/2.0
Via: SIP/2.0/${opts.transport ?? 'UDP'} 127.0.0.2:5080${branch}
Max-Forwards: 70
From: <sip:alice@127.0.0.2>;tag=a1
To: <sip:bob@127.0.0.1>${opts.toTag === undefined ? '' : `;tag=${opts.toTag}`}
Call-ID: ${opts.callId ?? 'call-1'}
CSeq: 1 ${opts.cseqMethod ?? method}
Content-Length: 0

`) as SipRequest;
}

class Tu implements TransactionUser {
  readonly events: string[] = [];
  readonly txns: ServerTransaction[] = [];
  onRequest(txn: ServerTransaction, request: SipRequest): void {
    this.events.push(`request:${request.method}`);
    this.txns.push(txn);
  }
  onAck(ack: SipRequest): void {
    this.events.push(`ack:${ack.method}`);
  }
  onCancel(invite: InviteServerTransaction): void {
    this.events.push(`cancel:${invite.state}`);
    invite.respond(createResponse(invite.request, 487, undefined, { toTag: 'b1' }));
  }
  onStrayResponse(r: SipResponse): void {
    this.events.push(`stray:${r.status}`);
  }
  onServerTimeout(): void {
    this.events.push('timeout:H');
  }
}

function setup(): { clock: SimulatedClock; transport: FakeTransport; layer: TransactionLayer; tu: Tu } {
  const clock = new SimulatedClock(0);
  const transport = new FakeTransport();
  const tu = new Tu();
  const layer = new TransactionLayer({ transport, user: tu, clock, ids: new SeededIdSource(2), log });
  return { clock, transport, layer, tu };
}

function sendTimes(clock: SimulatedClock, count: () => number, untilMs: number): number[] {
  const times: number[] = [];
  let last = count();
  for (let t = 0; t < untilMs; t += 100) {
    clock.advance(100);
    if (count() !== last) {
      times.push(clock.monotonic());
      last = count();
    }
  }
  return times;
}

describe('INVITE server transaction (RFC 3261 §17.2.1)', () => {
  it('sends 100 Trying at once and answers INVITE retransmissions with the last provisional', () => {
    const { transport, layer, tu } = setup();
    layer.onRequest(req('INVITE'), source('udp'));
    expect(transport.responses(100)).toHaveLength(1);
    expect(tu.events).toEqual(['request:INVITE']);
    layer.onRequest(req('INVITE'), source('udp'));
    expect(tu.events).toEqual(['request:INVITE']);
    expect(transport.responses(100)).toHaveLength(2);
    const txn = tu.txns[0] as InviteServerTransaction;
    txn.respond(createResponse(txn.request, 180, undefined, { toTag: 'b1' }));
    layer.onRequest(req('INVITE'), source('udp'));
    expect(transport.responses(180)).toHaveLength(2);
  });

  it('retransmits a non-2xx final on Timer G (doubling to T2) and gives up on Timer H', () => {
    const { clock, transport, layer, tu } = setup();
    layer.onRequest(req('INVITE'), source('udp'));
    const txn = tu.txns[0] as InviteServerTransaction;
    txn.respond(createResponse(txn.request, 486, undefined, { toTag: 'b1' }));
    expect(txn.state).toBe('completed');
    const times = sendTimes(clock, () => transport.responses(486).length, 32_500);
    expect(times).toEqual([500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(tu.events).toEqual(['request:INVITE', 'timeout:H']);
    expect(txn.state).toBe('terminated');
    expect(layer.size.server).toBe(0);
  });

  it('moves to Confirmed on ACK and ends after Timer I; over TCP there are no retransmissions and I is zero', () => {
    const { clock, layer, tu } = setup();
    layer.onRequest(req('INVITE'), source('udp'));
    const txn = tu.txns[0] as InviteServerTransaction;
    txn.respond(createResponse(txn.request, 404, undefined, { toTag: 'b1' }));
    layer.onRequest(req('ACK', { toTag: 'b1' }), source('udp'));
    expect(txn.state).toBe('confirmed');
    layer.onRequest(req('ACK', { toTag: 'b1' }), source('udp'));
    expect(tu.events).toEqual(['request:INVITE']); // ACKs absorbed
    clock.advance(4_999);
    expect(txn.state).toBe('confirmed');
    clock.advance(1);
    expect(txn.state).toBe('terminated');

    const b = setup();
    b.layer.onRequest(req('INVITE', { transport: 'TCP' }), source('tcp'));
    const t2 = b.tu.txns[0] as InviteServerTransaction;
    t2.respond(createResponse(t2.request, 404, undefined, { toTag: 'b1' }));
    b.clock.advance(20_000);
    expect(b.transport.responses(404)).toHaveLength(1);
    b.layer.onRequest(req('ACK', { toTag: 'b1', transport: 'TCP' }), source('tcp'));
    b.clock.advance(0);
    expect(t2.state).toBe('terminated');
  });

  it('keeps a 2xx transaction in Accepted: TU retransmissions pass, ACK goes to the TU, Timer L ends it (RFC 6026)', () => {
    const { clock, transport, layer, tu } = setup();
    layer.onRequest(req('INVITE'), source('udp'));
    const txn = tu.txns[0] as InviteServerTransaction;
    const ok = createResponse(txn.request, 200, undefined, { toTag: 'b1' });
    txn.respond(ok);
    expect(txn.state).toBe('accepted');
    txn.respond(ok);
    expect(transport.responses(200)).toHaveLength(2);
    layer.onRequest(req('INVITE'), source('udp'));
    expect(transport.responses(200)).toHaveLength(2); // INVITE retransmission absorbed
    layer.onRequest(req('ACK', { toTag: 'b1', branch: 'z9hG4bKack2' }), source('udp'));
    expect(tu.events).toEqual(['request:INVITE', 'ack:ACK']);
    clock.advance(32_000);
    expect(txn.state).toBe('terminated');
    expect(() => txn.respond(ok)).toThrow(/cannot send 200/);
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('absorbs retransmissions in Trying, resends the final in Completed and ends on Timer J', () => {
    const { clock, transport, layer, tu } = setup();
    layer.onRequest(req('OPTIONS', { branch: 'z9hG4bKopt' }), source('udp'));
    layer.onRequest(req('OPTIONS', { branch: 'z9hG4bKopt' }), source('udp'));
    expect(transport.sent).toHaveLength(0);
    expect(tu.events).toEqual(['request:OPTIONS']);
    const txn = tu.txns[0] as ServerTransaction;
    txn.respond(createResponse(txn.request, 200, undefined, { toTag: 'b1' }));
    layer.onRequest(req('OPTIONS', { branch: 'z9hG4bKopt' }), source('udp'));
    expect(transport.responses(200)).toHaveLength(2);
    clock.advance(31_999);
    expect(txn.state).toBe('completed');
    clock.advance(1);
    expect(txn.state).toBe('terminated');

    const b = setup();
    b.layer.onRequest(req('OPTIONS', { transport: 'TCP' }), source('tcp'));
    const t2 = b.tu.txns[0] as ServerTransaction;
    t2.respond(createResponse(t2.request, 200));
    b.clock.advance(0);
    expect(t2.state).toBe('terminated');
  });
});

describe('TransactionLayer matching', () => {
  it('answers a CANCEL 200 and hands its INVITE to the TU (§9.2); an unmatched CANCEL gets 481', () => {
    const { transport, layer, tu } = setup();
    layer.onRequest(req('INVITE'), source('udp'));
    layer.onRequest(req('CANCEL'), source('udp'));
    expect(tu.events).toEqual(['request:INVITE', 'cancel:proceeding']);
    const cancel200 = transport.responses(200)[0];
    expect(cancel200?.headers.get('cseq')).toBe('1 CANCEL');
    expect(transport.responses(487)).toHaveLength(1);
    layer.onRequest(req('CANCEL', { branch: 'z9hG4bKnothing' }), source('udp'));
    expect(transport.responses(481)).toHaveLength(1);
  });

  it('rejects a merged request with 482 (§8.2.2.2) without telling the TU', () => {
    const { transport, layer, tu } = setup();
    layer.onRequest(req('INVITE', { branch: 'z9hG4bKpath1' }), source('udp'));
    layer.onRequest(req('INVITE', { branch: 'z9hG4bKpath2' }), source('udp'));
    expect(tu.events).toEqual(['request:INVITE']);
    expect(transport.responses(482)).toHaveLength(1);
  });

  it('matches RFC 2543 requests without a magic-cookie branch (§17.2.3)', () => {
    const { transport, layer, tu } = setup();
    layer.onRequest(req('INVITE', { branch: null }), source('udp'));
    layer.onRequest(req('INVITE', { branch: null }), source('udp'));
    expect(tu.events).toEqual(['request:INVITE']);
    const txn = tu.txns[0] as InviteServerTransaction;
    txn.respond(createResponse(txn.request, 480, undefined, { toTag: 'b1' }));
    layer.onRequest(req('ACK', { branch: null, toTag: 'b1' }), source('udp'));
    expect(txn.state).toBe('confirmed');
    expect(transport.responses(480)).toHaveLength(1);
  });

  it('passes an ACK matching nothing to the TU (ACK for 2xx, §13.3.1.4)', () => {
    const { layer, tu } = setup();
    layer.onRequest(req('ACK', { branch: 'z9hG4bKlonely', toTag: 'x' }), source('udp'));
    expect(tu.events).toEqual(['ack:ACK']);
  });
});
