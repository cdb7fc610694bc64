// The SIP transport layer over TLS (RFC 3261 §26, §18) on loopback: a node:tls client with the
// self-signed certificate, framing across TLS records, responses on the same connection, outbound
// connection reuse and certificate checks, CRLF keep-alives and the idle timeout (RFC 5626 §3.5.1).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock, SystemClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, getTopVia, parseMessage, serializeMessage, SipStreamFramer, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import {
  generateSelfSignedCert,
  parseContacts,
  TransportLayer,
  type MessageSource,
  type SelfSignedCert,
  type TransportUser,
} from '#sip-server/transport/index.js';

const log = createLogger({ service: 'test', level: 'silent' });
const clock = new SystemClock();
let callSeq = 0;
const pause = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimer(ms, resolve));

type Received = { request?: SipRequest; response?: SipResponse; source: MessageSource };

class Inbox implements TransportUser {
  readonly items: Received[] = [];
  readonly closed: string[] = [];
  onRequest(request: SipRequest, source: MessageSource): void {
    this.items.push({ request, source });
  }
  onResponse(response: SipResponse, source: MessageSource): void {
    this.items.push({ response, source });
  }
  onConnectionClosed(connectionId: string): void {
    this.closed.push(connectionId);
  }
}

/** Polls `pred` every 10 ms; throws after 3 s. */
async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = clock.now() + 3_000;
  while (!pred()) {
    if (clock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

function options(via: string): string {
  return `OPTIONS sip:server@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nFrom: <sip:c@127.0.0.1>;tag=1\r\nTo: <sip:server@127.0.0.1>\r\nCall-ID: tls-test-${++callSeq}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}

/** A TLS client that trusts `cert`, collecting raw bytes and framed messages. */
class TlsPeer {
  readonly socket: TLSSocket;
  readonly raw: Buffer[] = [];
  readonly messages: Buffer[] = [];
  readonly #framer = new SipStreamFramer();
  constructor(port: number, cert: string) {
    this.socket = tlsConnect({ host: '127.0.0.1', port, ca: cert });
    this.socket.on('data', (d: Buffer) => {
      this.raw.push(d);
      for (const ev of this.#framer.push(d)) {
        if (ev.kind === 'message') this.messages.push(ev.data);
      }
    });
    this.socket.on('error', () => undefined);
  }
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('secureConnect', () => resolve());
      this.socket.once('error', reject);
    });
  }
  /** Bytes received so far as text (a lone CRLF pong is not framed until more bytes follow, so count it raw). */
  text(): string {
    return Buffer.concat(this.raw).toString();
  }
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }
  closedPromise(): Promise<void> {
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }
}

describe('TransportLayer over TLS', () => {
  let cert: SelfSignedCert;
  let layer: TransportLayer;
  const inbox = new Inbox();
  let tlsPort = 0;

  beforeAll(async () => {
    cert = await generateSelfSignedCert({ clock });
    layer = await TransportLayer.create({
      contacts: parseContacts('sip:127.0.0.1:0;transport=udp,tcp sip:127.0.0.1:0;transport=tls'),
      tls: { key: cert.key, cert: cert.cert, ca: cert.cert },
      log,
      user: inbox,
    });
    tlsPort = layer.listening().find((p) => p.protocol === 'tls')?.localPort ?? 0;
  });

  afterAll(async () => {
    await layer.close();
  });

  afterEach(() => {
    inbox.items.length = 0;
  });

  it('listens on its own port and advertises it as the TLS sent-by', () => {
    const udpPort = layer.listening().find((p) => p.protocol === 'udp')?.localPort;
    expect(tlsPort).toBeGreaterThan(0);
    expect(tlsPort).not.toBe(udpPort);
    expect(layer.viaSentBy('tls')).toEqual({ host: '127.0.0.1', port: tlsPort });
    expect(layer.isReliable('tls')).toBe(true);
  });

  it('delivers an OPTIONS from a TLS client and sends the response back on the same connection', async () => {
    const peer = new TlsPeer(tlsPort, cert.cert);
    await peer.connected();
    await peer.write(options('SIP/2.0/TLS client.invalid;branch=z9hG4bKtls1;rport'));
    await until(() => inbox.items.length === 1, 'the OPTIONS');
    const { request, source } = inbox.items[0] as Received;
    expect(source).toMatchObject({ protocol: 'tls', remoteAddress: '127.0.0.1', remotePort: peer.socket.localPort, localPort: tlsPort });
    expect(source.connectionId).toMatch(/^tls-\d+$/);
    expect(getTopVia(request as SipRequest)).toMatchObject({ transport: 'TLS', received: '127.0.0.1', rport: peer.socket.localPort });
    expect(layer.connections()).toContainEqual(expect.objectContaining({ connectionId: source.connectionId, protocol: 'tls' }));
    await layer.sendResponse(createResponse(request as SipRequest, 200), source);
    await until(() => peer.messages.length === 1, 'the 200');
    const r = parseMessage(peer.messages[0] as Buffer, { framing: 'stream' });
    expect(r).toMatchObject({ ok: true, message: { status: 200 } });
    expect(r.ok && getTopVia(r.message)?.branch).toBe('z9hG4bKtls1');
    const closed = peer.closedPromise();
    peer.socket.destroy();
    await closed;
    await until(() => inbox.closed.includes(source.connectionId as string), 'the close notice');
  });

  it('frames many messages in one TLS write and one message split over many writes', async () => {
    const peer = new TlsPeer(tlsPort, cert.cert);
    await peer.connected();
    const three = ['z9hG4bKm1', 'z9hG4bKm2', 'z9hG4bKm3'].map((b) => options(`SIP/2.0/TLS 127.0.0.1:1;branch=${b}`)).join('');
    await peer.write(three);
    await until(() => inbox.items.length === 3, 'three messages');
    const split = Buffer.from(options('SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKsplit'));
    // Each write becomes its own TLS record; waiting for each to be flushed makes the server see many chunks.
    for (let i = 0; i < split.length; i += 23) await peer.write(split.subarray(i, i + 23));
    await until(() => inbox.items.length === 4, 'the split message');
    expect(inbox.items.map((i) => getTopVia(i.request as SipRequest)?.branch)).toEqual(['z9hG4bKm1', 'z9hG4bKm2', 'z9hG4bKm3', 'z9hG4bKsplit']);
    expect(new Set(inbox.items.map((i) => i.source.connectionId)).size).toBe(1);
    peer.socket.destroy();
  });

  it('frames the same messages however the TLS byte stream is cut (fast-check, 20 runs)', async () => {
    const peer = new TlsPeer(tlsPort, cert.cert);
    await peer.connected();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 2_000 }), { maxLength: 12 }), fc.boolean(), async (cuts, ping) => {
        run++;
        inbox.items.length = 0;
        const branches = [1, 2, 3].map((i) => `z9hG4bKp${run}x${i}`);
        const wire = Buffer.from(
          (ping ? '\r\n\r\n' : '') + branches.map((b) => options(`SIP/2.0/TLS 127.0.0.1:1;branch=${b}`).replace('Content-Length: 0', 'Content-Length: 4') + 'v=0\n').join(''),
        );
        const points = [0, ...cuts.filter((c) => c < wire.length).sort((a, b) => a - b), wire.length];
        for (let i = 1; i < points.length; i++) await peer.write(wire.subarray(points[i - 1], points[i]));
        await until(() => inbox.items.length === 3, 'three messages');
        expect(inbox.items.map((i) => getTopVia(i.request as SipRequest)?.branch)).toEqual(branches);
        expect(inbox.items.every((i) => i.request?.body.toString() === 'v=0\n')).toBe(true);
      }),
      { numRuns: 20 },
    );
    peer.socket.destroy();
  });

  it('answers a CRLFCRLF ping with a CRLF pong', async () => {
    const peer = new TlsPeer(tlsPort, cert.cert);
    await peer.connected();
    const before = layer.stats.keepalivesAnswered;
    await peer.write('\r\n\r\n');
    await until(() => peer.text() === '\r\n', 'the pong');
    expect(layer.stats.keepalivesAnswered).toBe(before + 1);
    peer.socket.destroy();
  });

  it('opens one outbound TLS connection, reuses it, and takes the response on it', async () => {
    let accepted = 0;
    const got: Buffer[] = [];
    const sockets: TLSSocket[] = [];
    const server = createTlsServer({ key: cert.key, cert: cert.cert }, (s) => {
      accepted++;
      sockets.push(s);
      s.on('data', (d: Buffer) => got.push(d));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const req = (b: string): SipRequest => {
        const r = parseMessage(Buffer.from(options(`SIP/2.0/TLS 127.0.0.1:${tlsPort};branch=${b}`)));
        if (!r.ok || r.message.kind !== 'request') throw new Error('bad fixture');
        return r.message;
      };
      await layer.send(req('z9hG4bKout1'), { transport: 'tls', host: '127.0.0.1', port });
      await layer.send(req('z9hG4bKout2'), { transport: 'tls', host: '127.0.0.1', port });
      await until(() => Buffer.concat(got).includes('z9hG4bKout2'), 'both requests at the peer');
      expect(accepted).toBe(1);
      const frames = new SipStreamFramer().push(Buffer.concat(got));
      expect(frames.map((f) => f.kind)).toEqual(['message', 'message']);
      const first = parseMessage(frames[0]?.kind === 'message' ? frames[0].data : Buffer.alloc(0), { framing: 'stream' });
      if (!first.ok || first.message.kind !== 'request') throw new Error('peer got no request');
      sockets[0]?.write(serializeMessage(createResponse(first.message, 200)));
      await until(() => inbox.items.some((i) => i.response !== undefined), 'the response');
      const resp = inbox.items.find((i) => i.response !== undefined) as Received;
      expect(resp.source.protocol).toBe('tls');
      expect(resp.response?.status).toBe(200);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('refuses an outbound TLS peer whose certificate it does not trust', async () => {
    const other = await generateSelfSignedCert({ clock, commonName: 'stranger' });
    const server = createTlsServer({ key: other.key, cert: other.cert }, (s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(layer.send(Buffer.from(options('SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKx')), { transport: 'tls', host: '127.0.0.1', port })).rejects.toMatchObject({
        code: 'SIP_TRANSPORT_SEND_FAILED',
      });
    } finally {
      server.close();
    }
  });

  it('needs the tls option for a tls contact, and reads key and cert from files', async () => {
    await expect(TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=tls'), log })).rejects.toMatchObject({ code: 'SIP_TRANSPORT_LISTEN_FAILED' });
    const dir = await mkdtemp(join(tmpdir(), 'sip-tls-'));
    try {
      await writeFile(join(dir, 'key.pem'), cert.key);
      await writeFile(join(dir, 'cert.pem'), cert.cert);
      const fromFiles = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=tls'), tls: { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') }, log });
      try {
        const peer = new TlsPeer(fromFiles.listening()[0]?.localPort ?? 0, cert.cert);
        await peer.connected();
        expect(peer.socket.getPeerCertificate().subject.CN).toBe('localhost');
        peer.socket.destroy();
      } finally {
        await fromFiles.close();
      }
      await expect(
        TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=tls'), tls: { key: join(dir, 'missing.pem'), cert: cert.cert }, log }),
      ).rejects.toMatchObject({ code: 'SIP_TRANSPORT_LISTEN_FAILED' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('closes a connection after the idle time, and a ping keeps it open (simulated clock)', async () => {
    const sim = new SimulatedClock();
    const idle = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=tls'), tls: cert, idleTimeoutMs: 1_000, clock: sim, log });
    try {
      const peer = new TlsPeer(idle.listening()[0]?.localPort ?? 0, cert.cert);
      await peer.connected();
      await until(() => idle.connections().length === 1, 'the connection in the table');
      sim.advance(900);
      await peer.write('\r\n\r\n');
      await until(() => peer.text() === '\r\n', 'the pong');
      sim.advance(900); // 1 800 ms after accept, 900 ms after the ping: still open
      expect(idle.connections()).toHaveLength(1);
      const closed = peer.closedPromise();
      sim.advance(200);
      await closed;
      await until(() => idle.connections().length === 0, 'the table entry to go');
      expect(idle.stats.idleConnectionsClosed).toBe(1);
    } finally {
      await idle.close();
    }
  });
});
