import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { SeededIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, getCSeq, getToTag, getTopVia, setToTag, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import type { MessageSource } from '#sip-server/transport/index.js';
import { FakeTransport, sip, wire } from './fake-transport.js';
import { TransactionLayer, type ClientTransaction, type ClientTransactionUser, type TransactionUser } from './transaction-layer.js';

const log = createLogger({ service: 'test', level: 'silent' });
const SRC: MessageSource = { protocol: 'udp', remoteAddress: '127.0.0.2', remotePort: 5080, localAddress: '127.0.0.1', localPort: 5060, connectionId: undefined };

function request(method: string): SipRequest {
  return sip(`${method} sip:bob@127.0.0.2:5080 SIP/2.0
Max-Forwards: 70
From: <sip:alice@127.0.0.1>;tag=a1
To: <sip:bob@127.0.0.2>
Call-ID: c-${method}
CSeq: 1 ${method}
Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKplaceholder
Content-Length: 0

`) as SipRequest;
}

/** A request as the TU hands it to sendRequest: no Via yet. */
function fresh(method: string): SipRequest {
  const r = request(method);
  r.headers.remove('via');
  return r;
}

class Recorder implements ClientTransactionUser {
  readonly events: string[] = [];
  readonly responses: SipResponse[] = [];
  readonly sources: Array<MessageSource | undefined> = [];
  onResponse(response: SipResponse, _txn: ClientTransaction, source: MessageSource | undefined): void {
    this.events.push(`response:${response.status}`);
    this.responses.push(response);
    this.sources.push(source);
  }
  onTimeout(_txn: ClientTransaction, error: { code: string }): void {
    this.events.push(`timeout:${error.code}`);
  }
  onTransportError(_txn: ClientTransaction, error: { code: string }): void {
    this.events.push(`transport:${error.code}`);
  }
}

const strays: SipResponse[] = [];
const tu: TransactionUser = {
  onRequest: () => undefined,
  onAck: () => undefined,
  onCancel: () => undefined,
  onStrayResponse: (r) => strays.push(r),
};

function setup(): { clock: SimulatedClock; transport: FakeTransport; layer: TransactionLayer } {
  const clock = new SimulatedClock(0);
  const transport = new FakeTransport();
  const layer = new TransactionLayer({ transport, user: tu, clock, ids: new SeededIdSource(1), log });
  return { clock, transport, layer };
}

/** Times (ms) at which `count` changes while advancing in 100 ms steps up to `untilMs`. */
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

function answer(req: SipRequest, status: number, tag = 'b1'): SipResponse {
  const r = createResponse(wire(req), status);
  if (status > 100) setToTag(r, tag);
  return wire(r);
}

describe('INVITE client transaction (RFC 3261 §17.1.1)', () => {
  it('retransmits on Timer A with doubling intervals over UDP and times out on Timer B', () => {
    const { clock, transport, layer } = setup();
    const user = new Recorder();
    const txn = layer.sendRequest(fresh('INVITE'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, user);
    expect(transport.requests('INVITE')).toHaveLength(1);
    expect(getTopVia(transport.requests('INVITE')[0] as SipRequest)?.branch).toBe(txn.branch);
    const times = sendTimes(clock, () => transport.requests('INVITE').length, 33_000);
    expect(times).toEqual([500, 1_500, 3_500, 7_500, 15_500, 31_500]);
    expect(user.events).toEqual(['timeout:TXN_TIMEOUT']);
    expect(txn.state).toBe('terminated');
    expect(layer.size.client).toBe(0);
  });

  it('does not retransmit over TCP and still times out on Timer B', () => {
    const { clock, transport, layer } = setup();
    const user = new Recorder();
    layer.sendRequest(fresh('INVITE'), { transport: 'tcp', host: '127.0.0.2', port: 5080 }, user);
    clock.advance(31_999);
    expect(transport.requests('INVITE')).toHaveLength(1);
    expect(user.events).toEqual([]);
    clock.advance(1);
    expect(user.events).toEqual(['timeout:TXN_TIMEOUT']);
  });

  it('ACKs a non-2xx final itself (§17.1.1.3), absorbs its retransmission and ends on Timer D', () => {
    const { clock, transport, layer } = setup();
    const user = new Recorder();
    const txn = layer.sendRequest(fresh('INVITE'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, user);
    const sent = transport.requests('INVITE')[0] as SipRequest;
    layer.onResponse(answer(sent, 180), SRC);
    expect(txn.state).toBe('proceeding');
    clock.advance(5_000);
    expect(transport.requests('INVITE')).toHaveLength(1); // Timer A stops in Proceeding
    layer.onResponse(answer(sent, 486), SRC);
    expect(txn.state).toBe('completed');
    const ack = transport.requests('ACK')[0] as SipRequest;
    expect(ack.uri).toBe(sent.uri);
    expect(getTopVia(ack)?.branch).toBe(txn.branch);
    expect(getToTag(ack)).toBe('b1');
    expect(getCSeq(ack)).toEqual({ seq: 1, method: 'ACK' });
    layer.onResponse(answer(sent, 486), SRC);
    expect(transport.requests('ACK')).toHaveLength(2);
    expect(user.events).toEqual(['response:180', 'response:486']);
    clock.advance(31_999);
    expect(txn.state).toBe('completed');
    clock.advance(1);
    expect(txn.state).toBe('terminated');
  });

  it('Timer D is zero over TCP (RFC 3261 Appendix A)', () => {
    const { clock, transport, layer } = setup();
    const txn = layer.sendRequest(fresh('INVITE'), { transport: 'tcp', host: '127.0.0.2', port: 5080 }, new Recorder());
    layer.onResponse(answer(transport.requests('INVITE')[0] as SipRequest, 503), SRC);
    expect(txn.state).toBe('completed');
    clock.advance(0);
    expect(txn.state).toBe('terminated');
  });

  it('passes 2xx and its retransmissions up in Accepted (RFC 6026), then strays after Timer M', () => {
    const { clock, transport, layer } = setup();
    const user = new Recorder();
    const txn = layer.sendRequest(fresh('INVITE'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, user);
    const sent = transport.requests('INVITE')[0] as SipRequest;
    layer.onResponse(answer(sent, 200), SRC);
    expect(txn.state).toBe('accepted');
    layer.onResponse(answer(sent, 200), SRC);
    expect(user.events).toEqual(['response:200', 'response:200']);
    expect(user.sources).toEqual([SRC, SRC]); // the responder's address reaches the TU
    expect(transport.requests('ACK')).toHaveLength(0); // the TU ACKs 2xx
    clock.advance(32_000);
    expect(txn.state).toBe('terminated');
    const before = strays.length;
    layer.onResponse(answer(sent, 200), SRC);
    expect(strays.length).toBe(before + 1);
  });

  it('reports a transport error in Calling and terminates (§17.1.4)', async () => {
    const { transport, layer } = setup();
    transport.failSends = true;
    const user = new Recorder();
    const txn = layer.sendRequest(fresh('INVITE'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, user);
    await Promise.resolve();
    await Promise.resolve();
    expect(user.events).toEqual(['transport:TXN_TRANSPORT_ERROR']);
    expect(txn.state).toBe('terminated');
  });
});

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  it('retransmits on Timer E doubling up to T2, then at T2 in Proceeding, and times out on Timer F', () => {
    const { clock, transport, layer } = setup();
    const user = new Recorder();
    const txn = layer.sendRequest(fresh('OPTIONS'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, user);
    const times = sendTimes(clock, () => transport.requests('OPTIONS').length, 33_000);
    expect(times).toEqual([500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(user.events).toEqual(['timeout:TXN_TIMEOUT']);
    expect(txn.state).toBe('terminated');

    const b = setup();
    const t2 = b.layer.sendRequest(fresh('OPTIONS'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, new Recorder());
    b.clock.advance(100);
    b.layer.onResponse(answer(b.transport.requests('OPTIONS')[0] as SipRequest, 100), SRC);
    expect(t2.state).toBe('proceeding');
    expect(sendTimes(b.clock, () => b.transport.requests('OPTIONS').length, 9_000)).toEqual([500, 4_500, 8_500]);
  });

  it('absorbs retransmitted finals in Completed and ends on Timer K (T4 over UDP, 0 over TCP)', () => {
    const { clock, transport, layer } = setup();
    const user = new Recorder();
    const txn = layer.sendRequest(fresh('BYE'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, user);
    const sent = transport.requests('BYE')[0] as SipRequest;
    layer.onResponse(answer(sent, 200), SRC);
    layer.onResponse(answer(sent, 200), SRC);
    expect(user.events).toEqual(['response:200']);
    clock.advance(4_999);
    expect(txn.state).toBe('completed');
    clock.advance(1);
    expect(txn.state).toBe('terminated');

    const b = setup();
    const t2 = b.layer.sendRequest(fresh('BYE'), { transport: 'tcp', host: '127.0.0.2', port: 5080 }, new Recorder());
    b.clock.advance(20_000);
    expect(b.transport.requests('BYE')).toHaveLength(1);
    b.layer.onResponse(answer(b.transport.requests('BYE')[0] as SipRequest, 200), SRC);
    b.clock.advance(0);
    expect(t2.state).toBe('terminated');
  });
});

describe('CANCEL (RFC 3261 §9.1)', () => {
  it('waits for a provisional response, then sends a CANCEL with the INVITE branch', () => {
    const { transport, layer } = setup();
    const txn = layer.sendRequest(fresh('INVITE'), { transport: 'udp', host: '127.0.0.2', port: 5080 }, new Recorder());
    const cancelUser = new Recorder();
    expect(layer.sendCancel(txn as never, cancelUser)).toBe(true);
    expect(transport.requests('CANCEL')).toHaveLength(0);
    const sent = transport.requests('INVITE')[0] as SipRequest;
    layer.onResponse(answer(sent, 180), SRC);
    const cancel = transport.requests('CANCEL')[0] as SipRequest;
    expect(getTopVia(cancel)?.branch).toBe(txn.branch);
    expect(getCSeq(cancel)).toEqual({ seq: 1, method: 'CANCEL' });
    layer.onResponse(answer(cancel, 200), SRC);
    expect(cancelUser.events).toEqual(['response:200']);
    layer.onResponse(answer(sent, 487), SRC);
    expect(txn.state).toBe('completed');
  });
});
