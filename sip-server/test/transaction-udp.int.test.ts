// Transport + transaction layers together over real loopback UDP: 100 Trying, Timer G retransmissions
// until ACK, NICT retransmissions until answered, CANCEL → 200 + 487. Short T1 keeps the test fast.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { CryptoIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, getCSeq, getTopVia, parseMessage, SipHeaders, type SipMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import {
  TransactionLayer,
  type ClientTransaction,
  type ClientTransactionUser,
  type InviteServerTransaction,
  type ServerTransaction,
  type TransactionUser,
} from '#sip-server/transaction/index.js';
import { parseContacts, TransportLayer } from '#sip-server/transport/index.js';

const log = createLogger({ service: 'test', level: 'silent' });
const clock = new SystemClock();
const T1_MS = 40;
const pause = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));

/** A raw UDP peer that records every message it gets. */
class Peer {
  readonly got: SipMessage[] = [];
  readonly socket: Socket = createSocket('udp4');
  port = 0;
  async start(): Promise<void> {
    this.socket.on('message', (buf) => {
      const r = parseMessage(buf);
      if (r.ok) this.got.push(r.message);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
  }
  send(text: string, port: number): void {
    this.socket.send(Buffer.from(text.replace(/\r?\n/g, '\r\n')), port, '127.0.0.1');
  }
  responses(status: number): SipResponse[] {
    return this.got.filter((m): m is SipResponse => m.kind === 'response' && m.status === status);
  }
  requests(method: string): SipRequest[] {
    return this.got.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  }
  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = clock.now() + 3_000;
    while (!pred()) {
      if (clock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pause(10);
    }
  }
}

class Tu implements TransactionUser {
  readonly txns: ServerTransaction[] = [];
  onRequest(txn: ServerTransaction): void {
    this.txns.push(txn);
  }
  onAck(): void {}
  onCancel(invite: InviteServerTransaction): void {
    invite.respond(createResponse(invite.request, 487, undefined, { toTag: 'uas1' }));
  }
  onStrayResponse(): void {}
}

function invite(peer: Peer, branch: string, callId: string): string {
  return `INVITE sip:uas@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch};rport
Max-Forwards: 70
From: <sip:uac@127.0.0.1>;tag=uac1
To: <sip:uas@127.0.0.1>
Call-ID: ${callId}
CSeq: 1 INVITE
Content-Length: 0

`;
}

describe('transaction layer over UDP', () => {
  let transport: TransportLayer;
  let txns: TransactionLayer;
  const tu = new Tu();
  const peer = new Peer();
  let port = 0;

  beforeAll(async () => {
    transport = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=udp'), log });
    txns = new TransactionLayer({ transport, user: tu, clock, ids: new CryptoIdSource(), log, timers: { t1Ms: T1_MS, t2Ms: 4 * T1_MS, t4Ms: 5 * T1_MS } });
    transport.setUser(txns);
    port = transport.listening()[0]?.localPort ?? 0;
    await peer.start();
  });

  afterAll(async () => {
    txns.close();
    peer.socket.close();
    await transport.close();
  });

  it('sends 100 Trying at once, retransmits a 486 on Timer G until the ACK comes', async () => {
    peer.send(invite(peer, 'z9hG4bKint-1', 'int-1'), port);
    await peer.until(() => peer.responses(100).length === 1 && tu.txns.length === 1, '100 Trying');
    const txn = tu.txns[0] as InviteServerTransaction;
    txn.respond(createResponse(txn.request, 486, undefined, { toTag: 'uas1' }));
    await peer.until(() => peer.responses(486).length >= 3, 'three copies of the 486');
    peer.send(
      `ACK sip:uas@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKint-1;rport
Max-Forwards: 70
From: <sip:uac@127.0.0.1>;tag=uac1
To: <sip:uas@127.0.0.1>;tag=uas1
Call-ID: int-1
CSeq: 1 ACK
Content-Length: 0

`,
      port,
    );
    await peer.until(() => txn.state === 'confirmed' || txn.state === 'terminated', 'Confirmed');
    const copies = peer.responses(486).length;
    await pause(8 * T1_MS);
    expect(peer.responses(486).length).toBeLessThanOrEqual(copies + 1); // at most one already in flight
    expect(txn.state).toBe('terminated'); // Timer I = T4 passed
  });

  it('answers CANCEL with 200 and the INVITE with 487 (RFC 3261 §9.2)', async () => {
    peer.send(invite(peer, 'z9hG4bKint-2', 'int-2'), port);
    await peer.until(() => tu.txns.length === 2, 'the second INVITE');
    peer.send(
      invite(peer, 'z9hG4bKint-2', 'int-2').replace('INVITE sip:', 'CANCEL sip:').replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL'),
      port,
    );
    await peer.until(() => peer.responses(487).length >= 1, '487');
    const cancelOk = peer.responses(200).find((r) => getCSeq(r)?.method === 'CANCEL');
    expect(cancelOk).toBeDefined();
    expect(getCSeq(peer.responses(487)[0] as SipResponse)).toEqual({ seq: 1, method: 'INVITE' });
  });

  it('retransmits a client OPTIONS on Timer E and delivers the answer', async () => {
    const events: string[] = [];
    const user: ClientTransactionUser = {
      onResponse: (r: SipResponse) => events.push(`response:${r.status}`),
      onTimeout: (_t: ClientTransaction) => events.push('timeout'),
      onTransportError: () => events.push('transport-error'),
    };
    const h = new SipHeaders();
    h.add('Max-Forwards', '70');
    h.add('From', '<sip:uas@127.0.0.1>;tag=x1');
    h.add('To', '<sip:peer@127.0.0.1>');
    h.add('Call-ID', 'int-3');
    h.add('CSeq', '1 OPTIONS');
    const options: SipRequest = { kind: 'request', method: 'OPTIONS', uri: `sip:peer@127.0.0.1:${peer.port}`, headers: h, body: Buffer.alloc(0) };
    const txn = txns.sendRequest(options, { transport: 'udp', host: '127.0.0.1', port: peer.port }, user);
    await peer.until(() => peer.requests('OPTIONS').length >= 2, 'a retransmitted OPTIONS');
    const got = peer.requests('OPTIONS')[0] as SipRequest;
    expect(getTopVia(got)).toMatchObject({ branch: txn.branch, port, hasRport: true });
    const ok = createResponse(got, 200, undefined, { toTag: 'p1' });
    peer.socket.send(
      Buffer.from(
        `SIP/2.0 200 OK\r\n${[...ok.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
      ),
      port,
      '127.0.0.1',
    );
    await peer.until(() => events.length > 0, 'the 200');
    expect(events).toEqual(['response:200']);
    expect(txn.state === 'completed' || txn.state === 'terminated').toBe(true);
  });
});
