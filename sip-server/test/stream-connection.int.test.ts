// TCP/TLS write batching (issue 8 follow-up): every SIP message written to a StreamConnection in one
// event-loop turn leaves in one write (the socket is corked until setImmediate), and write errors still
// reach each message's promise. Real loopback sockets, TCP and TLS.
import { connect as netConnect, createServer as netServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as tlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { generateSelfSignedCert, SipTransportError } from '#sip-server/transport/index.js';
import { StreamConnection } from '#sip-server/transport/stream-connection.js';

const log = createLogger({ service: 'test', level: 'silent' });
const settings = { maxMessageBytes: 65_535, idleTimeoutMs: 0, clock: new SystemClock(), log, admission: { policy: undefined, onRefused: () => undefined } };
const sink = { onFrame: () => undefined, onKeepalive: () => undefined, onIdle: () => undefined, onFramingError: () => undefined, onClose: () => undefined };
const frame = (n: number): Buffer => Buffer.from(`OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nCall-ID: batch-${n}\r\nContent-Length: 0\r\n\r\n`);

type Pair = { server: Server; serverSide: Socket; client: Socket; chunks: Buffer[] };

/** A listening socket and a client connected to it; `chunks` records each read the client got. */
async function pair(kind: 'tcp' | 'tls'): Promise<Pair> {
  const pem = kind === 'tls' ? await generateSelfSignedCert({ clock: new SystemClock() }) : undefined;
  const accepted = new Promise<Socket>((resolve) => {
    const onSocket = (s: Socket): void => resolve(s);
    servers.push(pem === undefined ? netServer(onSocket) : tlsServer({ key: pem.key, cert: pem.cert }, onSocket));
  });
  const server = servers[servers.length - 1] as Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = pem === undefined ? netConnect(port, '127.0.0.1') : tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  const chunks: Buffer[] = [];
  client.on('data', (c: Buffer) => chunks.push(c));
  client.on('error', () => undefined); // the error case destroys the server side
  clients.push(client);
  const ready = new Promise<void>((r) => client.once(pem === undefined ? 'connect' : 'secureConnect', () => r()));
  const [serverSide] = await Promise.all([accepted, ready]);
  return { server, serverSide, client, chunks };
}

const servers: Server[] = [];
const clients: Socket[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) s.close();
});

describe.each(['tcp', 'tls'] as const)('StreamConnection write batching over %s', (kind) => {
  it('sends the messages of one event-loop turn in one write, and resolves every write', async () => {
    const p = await pair(kind);
    const conn = new StreamConnection('c1', kind, p.serverSide, settings, sink);
    const writes = [frame(1), frame(2), frame(3)].map((f) => conn.write(f));
    expect(p.serverSide.writableCorked).toBe(1); // held until the turn ends
    expect(p.serverSide.writableLength).toBeGreaterThan(0);
    await Promise.all(writes);
    expect(p.serverSide.writableCorked).toBe(0);
    const expected = Buffer.concat([frame(1), frame(2), frame(3)]);
    const start = Date.now();
    while (Buffer.concat(p.chunks).length < expected.length && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(p.chunks).equals(expected)).toBe(true);
    // One write of the three messages: the peer read them in one chunk (one TCP segment / TLS record burst).
    expect(p.chunks[0]?.length).toBe(expected.length);
    // The next turn starts a new batch.
    const next = conn.write(frame(4));
    expect(p.serverSide.writableCorked).toBe(1);
    await next;
  });

  it('still reports write errors: a socket destroyed with a batch pending rejects each write; a closed one rejects at once', async () => {
    const p = await pair(kind);
    const conn = new StreamConnection('c2', kind, p.serverSide, settings, sink);
    const writes = [frame(1), frame(2)].map((f) => conn.write(f));
    p.serverSide.destroy(); // the socket fails before the batch is flushed
    const results = await Promise.allSettled(writes);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SipTransportError);
    }
    await expect(conn.write(frame(3))).rejects.toMatchObject({ code: 'SIP_TRANSPORT_NO_CONNECTION' });
  });
});

// TCP only: over TLS a destroy drops what was written in the same turn whether batched or not (the
// encrypted records never reach the TCP socket), so there is nothing batching could keep there.
describe('StreamConnection close', () => {
  it('flushes the batch when the connection is closed in the same turn (e.g. its source was just banned) over TCP', async () => {
    const p = await pair('tcp');
    const conn = new StreamConnection('c3', 'tcp', p.serverSide, settings, sink);
    const writes = [frame(1), frame(2)].map((f) => conn.write(f));
    conn.close();
    await Promise.all(writes);
    const expected = Buffer.concat([frame(1), frame(2)]);
    const start = Date.now();
    while (Buffer.concat(p.chunks).length < expected.length && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 10));
    expect(Buffer.concat(p.chunks).equals(expected)).toBe(true);
  });
});
