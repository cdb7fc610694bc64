// The SIP transport layer over real loopback sockets: UDP and TCP, framing, rport/received,
// 400 for malformed requests, garbage dropped, connection reuse, CRLF keep-alives.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, getTopVia, parseMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { DEFAULT_UDP_BUFFER_BYTES, parseContacts, TransportLayer, type MessageSource, type TransportUser } from '#sip-server/transport/index.js';

const log = createLogger({ service: 'test', level: 'silent' });
const clock = new SystemClock();
let callSeq = 0;
const pause = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));

type Received = { request?: SipRequest; response?: SipResponse; source: MessageSource };

class Inbox implements TransportUser {
  readonly items: Received[] = [];
  readonly closed: string[] = [];
  #waiters: Array<() => void> = [];
  onRequest(request: SipRequest, source: MessageSource): void {
    this.items.push({ request, source });
    this.#wake();
  }
  onResponse(response: SipResponse, source: MessageSource): void {
    this.items.push({ response, source });
    this.#wake();
  }
  onConnectionClosed(connectionId: string): void {
    this.closed.push(connectionId);
    this.#wake();
  }
  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  /** Resolves when `pred` holds; rejects after 3 s. */
  async until(pred: () => boolean): Promise<void> {
    const deadline = clock.now() + 3_000;
    while (!pred()) {
      if (clock.now() > deadline) throw new Error('timed out waiting for the transport');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        clock.setTimer(50, resolve);
      });
    }
  }
}

function options(via: string, extra = ''): string {
  return `OPTIONS sip:server@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nFrom: <sip:c@127.0.0.1>;tag=1\r\nTo: <sip:server@127.0.0.1>\r\nCall-ID: transport-test-${++callSeq}\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: 0\r\n\r\n`;
}

function nextDatagram(sock: UdpSocket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const t = clock.setTimer(3_000, () => reject(new Error('no datagram')));
    sock.once('message', (m) => {
      clock.clearTimer(t);
      resolve(m);
    });
  });
}

describe('TransportLayer', () => {
  let layer: TransportLayer;
  const inbox = new Inbox();
  let udpPort = 0;
  let tcpPort = 0;
  let client: UdpSocket;
  let clientPort = 0;

  beforeAll(async () => {
    layer = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=udp,tcp'), log, user: inbox });
    const points = layer.listening();
    udpPort = points.find((p) => p.protocol === 'udp')?.localPort ?? 0;
    tcpPort = points.find((p) => p.protocol === 'tcp')?.localPort ?? 0;
    client = createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    clientPort = client.address().port;
  });

  afterAll(async () => {
    client.close();
    await layer.close();
  });

  afterEach(() => {
    inbox.items.length = 0;
  });

  it('binds port 0 and reports the bound ports, TCP sharing the UDP port', () => {
    expect(udpPort).toBeGreaterThan(0);
    expect(tcpPort).toBe(udpPort);
    expect(layer.viaSentBy('udp')).toEqual({ host: '127.0.0.1', port: udpPort });
  });

  it('asks for 4 MiB UDP socket buffers (capped by the kernel)', async () => {
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
    const [sizes] = layer.udpBufferSizes();
    // Linux reports twice what it granted; the grant is min(request, rmem_max).
    expect(sizes?.recvBytes).toBeGreaterThanOrEqual(Math.min(DEFAULT_UDP_BUFFER_BYTES, rmemMax));
    const small = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=udp'), log, udpBufferBytes: 65_536 });
    try {
      expect(small.udpBufferSizes()[0]?.recvBytes).toBeLessThan(sizes?.recvBytes ?? 0);
    } finally {
      await small.close();
    }
  });

  it('delivers a UDP request stamped with received/rport and sends the response back to rport', async () => {
    client.send(options('SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKudp1;rport'), udpPort, '127.0.0.1');
    await inbox.until(() => inbox.items.length === 1);
    const { request, source } = inbox.items[0] as Received;
    expect(source).toMatchObject({ protocol: 'udp', remoteAddress: '127.0.0.1', remotePort: clientPort, localPort: udpPort, connectionId: undefined });
    expect(getTopVia(request as SipRequest)).toMatchObject({ received: '127.0.0.1', rport: clientPort });
    const reply = nextDatagram(client);
    await layer.sendResponse(createResponse(request as SipRequest, 200), source);
    const parsed = parseMessage(await reply);
    expect(parsed).toMatchObject({ ok: true, message: { status: 200 } });
  });

  it('answers a malformed request with 400 and its reason, and drops garbage silently', async () => {
    const before = layer.stats;
    const reply = nextDatagram(client);
    client.send(options('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKbad').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'), udpPort, '127.0.0.1');
    const r = parseMessage(await reply);
    expect(r).toMatchObject({ ok: true, message: { status: 400, reason: 'CSeq method does not match Request-Line' } });
    client.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), udpPort, '127.0.0.1');
    client.send(Buffer.from('\r\n\r\n'), udpPort, '127.0.0.1');
    const deadline = clock.now() + 3_000;
    while (layer.stats.garbageDropped === before.garbageDropped && clock.now() < deadline) await pause(20);
    expect(layer.stats.garbageDropped).toBe(before.garbageDropped + 1);
    expect(layer.stats.badRequestsAnswered).toBe(before.badRequestsAnswered + 1);
    expect(inbox.items).toHaveLength(0);
  });

  it('drops responses whose top Via is not ours (RFC 3261 §18.1.2) and passes ours up', async () => {
    const resp = (host: string, port: number): string =>
      `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP ${host}:${port};branch=z9hG4bKr1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    const before = layer.stats.responsesMisrouted;
    client.send(resp('192.0.2.1', 5060), udpPort, '127.0.0.1');
    client.send(resp('127.0.0.1', udpPort), udpPort, '127.0.0.1');
    await inbox.until(() => inbox.items.length === 1);
    expect(inbox.items[0]?.response?.status).toBe(200);
    expect(layer.stats.responsesMisrouted).toBe(before + 1);
  });

  it('frames TCP messages cut into pieces, answers pings, and responds on the same connection', async () => {
    const sock: Socket = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    const wire = Buffer.from(`\r\n\r\n${options('SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKt1')}${options('SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKt2')}`);
    for (let i = 0; i < wire.length; i += 37) sock.write(wire.subarray(i, i + 37));
    await inbox.until(() => inbox.items.length === 2);
    const first = inbox.items[0] as Received;
    expect(first.source.protocol).toBe('tcp');
    expect(first.source.connectionId).toMatch(/^tcp-/);
    expect(inbox.items.map((i) => getTopVia(i.request as SipRequest)?.branch)).toEqual(['z9hG4bKt1', 'z9hG4bKt2']);
    await layer.sendResponse(createResponse(first.request as SipRequest, 200), first.source);
    const deadline = clock.now() + 3_000;
    while (!Buffer.concat(chunks).includes('SIP/2.0 200 OK') && clock.now() < deadline) await pause(20);
    const got = Buffer.concat(chunks);
    expect(got.subarray(0, 2).toString()).toBe('\r\n'); // pong
    expect(got.toString()).toContain('SIP/2.0 200 OK');
    sock.destroy();
    await inbox.until(() => inbox.closed.includes(first.source.connectionId as string));
  });

  it('opens one outbound TCP connection and reuses it for the next request', async () => {
    let accepted = 0;
    const received: Buffer[] = [];
    const server: Server = createServer((s) => {
      accepted++;
      s.on('data', (d: Buffer) => received.push(d));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const req = (b: string): SipRequest => {
      const r = parseMessage(Buffer.from(options(`SIP/2.0/TCP 127.0.0.1:${tcpPort};branch=${b}`)));
      if (!r.ok || r.message.kind !== 'request') throw new Error('bad fixture');
      return r.message;
    };
    await layer.send(req('z9hG4bKo1'), { transport: 'tcp', host: '127.0.0.1', port });
    await layer.send(req('z9hG4bKo2'), { transport: 'tcp', host: '127.0.0.1', port });
    const deadline = clock.now() + 3_000;
    while (!Buffer.concat(received).includes('z9hG4bKo2') && clock.now() < deadline) await pause(20);
    expect(accepted).toBe(1);
    expect(Buffer.concat(received).toString()).toContain('z9hG4bKo1');
    await expect(layer.send(req('z9hG4bKo3'), { connectionId: 'tcp-does-not-exist' })).rejects.toMatchObject({ code: 'SIP_TRANSPORT_NO_CONNECTION' });
    server.close();
  });

  it('answers a malformed TCP request with 400 on its connection, and closes a stream that loses framing', async () => {
    const sock: Socket = connect(tcpPort, '127.0.0.1');
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    sock.write(options('SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKtbad').replace('CSeq: 1 OPTIONS', 'CSeq: 1 BYE'));
    const deadline = clock.now() + 3_000;
    while (!Buffer.concat(chunks).includes('SIP/2.0 400') && clock.now() < deadline) await pause(20);
    expect(Buffer.concat(chunks).toString()).toContain('SIP/2.0 400 CSeq method does not match Request-Line');
    sock.write('OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: abc\r\n\r\n');
    await closed;
    expect(sock.destroyed).toBe(true);
  });

  it('works over IPv6 loopback: brackets in Via sent-by, rport stamping, response back', async () => {
    const inbox6 = new Inbox();
    const layer6 = await TransportLayer.create({ contacts: parseContacts('sip:[::1]:0;transport=udp,tcp'), log, user: inbox6 });
    const client6 = createSocket('udp6');
    try {
      await new Promise<void>((resolve) => client6.bind(0, '::1', resolve));
      const port6 = layer6.listening().find((p) => p.protocol === 'udp')?.localPort ?? 0;
      expect(layer6.viaSentBy('udp')).toEqual({ host: '[::1]', port: port6 });
      const reply = nextDatagram(client6);
      client6.send(options('SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bKv6;rport'), port6, '::1');
      await inbox6.until(() => inbox6.items.length === 1);
      const { request, source } = inbox6.items[0] as Received;
      expect(getTopVia(request as SipRequest)).toMatchObject({ received: '::1', rport: client6.address().port });
      await layer6.sendResponse(createResponse(request as SipRequest, 200), source);
      expect(parseMessage(await reply)).toMatchObject({ ok: true, message: { status: 200 } });
    } finally {
      client6.close();
      await layer6.close();
    }
  });
});
