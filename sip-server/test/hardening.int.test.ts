// Issue 8 hardening through the real service: per-source rate limit with a temporary ban (pike-like),
// allowlist, inbound connection caps, transaction cap → 503, message size / header count limits on
// UDP, TCP and WebSocket, and stream peers that never finish a header block or announce a huge body.
// Sources are distinct loopback addresses (127.0.0.x) so each case has its own counters.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { freePort } from '#lib/local-stack/index.js';
import { connectSrf, newSrf } from '#test/support/srf-apps/srf-view.js';
import { rawRequest, scrape, tcpProbe, UdpProbe, until } from './raw-sip-client.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

const branch = (): string => randomBytes(6).toString('hex');
const statusLines = (msgs: readonly string[]): string[] => msgs.map((m) => m.split('\r\n')[0] ?? '');

describe('rate limit and ban list', () => {
  let server: TestSipServer;
  beforeAll(async () => {
    server = await startTestSipServer({
      SIPSRV_RATE_LIMIT_REQUESTS: '20',
      SIPSRV_RATE_LIMIT_WINDOW_MS: '60000',
      SIPSRV_BAN_SEC: '2',
      SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.3',
    });
  });
  afterAll(() => server.stop());

  it('answers 20 requests from one source, then drops everything from it silently until the ban ends', async () => {
    const probe = await UdpProbe.bind('127.0.0.2');
    for (let i = 0; i < 40; i++) await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch() }), server.sipPort);
    await until(() => probe.received.length >= 20, 3000);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    expect(statusLines(probe.received)).toEqual(Array.from({ length: 20 }, () => 'SIP/2.0 503 Service Unavailable'));
    const http = server.service.health.port;
    expect(await scrape(http, 'sipsrv_guard_bans_total')).toBe(1);
    expect(await scrape(http, 'sipsrv_guard_banned_sources')).toBe(1);
    expect(await scrape(http, 'sipsrv_guard_dropped_total{reason="rate_limited"}')).toBe(1);
    expect(await scrape(http, 'sipsrv_guard_dropped_total{reason="banned"}')).toBe(19);

    // A banned source cannot open a connection either.
    const tcp = await tcpProbe(server.sipPort, '127.0.0.2');
    await tcp.closed;
    expect(tcp.received()).toBe('');
    expect(await scrape(http, 'sipsrv_guard_connections_refused_total{reason="banned"}')).toBe(1);

    // After the ban (2 s) the source is served again, counting from zero.
    await new Promise((r) => setTimeout(r, 2100));
    probe.received.length = 0;
    await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch() }), server.sipPort);
    expect(await until(() => probe.received.length === 1, 2000)).toBe(true);
    expect(await scrape(http, 'sipsrv_guard_banned_sources')).toBe(0);
    probe.close();
  });

  it('bans a flood of new INVITEs (out-of-dialog work counts)', async () => {
    const probe = await UdpProbe.bind('127.0.0.5');
    for (let i = 0; i < 30; i++) await probe.send(rawRequest('INVITE', { via: probe.via, branch: branch() }), server.sipPort);
    expect(await until(() => server.service.sip.guard.isBanned('127.0.0.5'), 3000)).toBe(true);
    probe.close();
  });

  it('bans a flood of BYEs with made-up To tags (a tag matching no dialog counts)', async () => {
    const probe = await UdpProbe.bind('127.0.0.6');
    for (let i = 0; i < 30; i++) await probe.send(rawRequest('BYE', { via: probe.via, branch: branch(), toTag: `fake${i}` }), server.sipPort);
    expect(await until(() => server.service.sip.guard.isBanned('127.0.0.6'), 3000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    expect(statusLines(probe.received)).toEqual(Array.from({ length: 20 }, () => 'SIP/2.0 481 Call/Transaction Does Not Exist'));
    probe.close();
  });

  it('never limits an allowlisted source', async () => {
    const probe = await UdpProbe.bind('127.0.0.3');
    for (let i = 0; i < 40; i++) await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch() }), server.sipPort);
    expect(await until(() => probe.received.length === 40, 5000)).toBe(true);
    probe.close();
  });

  it('bans a source flooding over TCP and closes its connection', async () => {
    const tcp = await tcpProbe(server.sipPort, '127.0.0.4');
    const via = `127.0.0.4:${tcp.socket.localPort ?? 0}`;
    for (let i = 0; i < 30 && !tcp.isClosed(); i++) tcp.socket.write(rawRequest('OPTIONS', { via, transport: 'TCP', branch: branch() }));
    await tcp.closed;
    expect(statusLines(tcp.received().split(/(?=SIP\/2\.0 )/).filter((s) => s.length > 0))).toHaveLength(20);
  });
});

describe('connection caps and transaction cap', () => {
  let server: TestSipServer;
  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_MAX_CONNECTIONS: '4', SIPSRV_MAX_CONNECTIONS_PER_SOURCE: '2', SIPSRV_MAX_SERVER_TRANSACTIONS: '5' });
  });
  afterAll(() => server.stop());

  it('refuses a third connection from one source and a fifth in total, and frees the slots on close', async () => {
    const http = server.service.health.port;
    const a = [await tcpProbe(server.sipPort, '127.0.0.5'), await tcpProbe(server.sipPort, '127.0.0.5')];
    const extra = await tcpProbe(server.sipPort, '127.0.0.5');
    await extra.closed;
    const b = [await tcpProbe(server.sipPort, '127.0.0.6'), await tcpProbe(server.sipPort, '127.0.0.6')];
    const over = await tcpProbe(server.sipPort, '127.0.0.7');
    await over.closed;
    expect(await scrape(http, 'sipsrv_guard_connections_refused_total{reason="per_source"}')).toBe(1);
    expect(await scrape(http, 'sipsrv_guard_connections_refused_total{reason="total"}')).toBe(1);
    expect(await scrape(http, 'sipsrv_transport_inbound_connections')).toBe(4);
    // The admitted ones work.
    const first = a[0];
    if (first === undefined) throw new Error('no connection');
    first.socket.write(rawRequest('OPTIONS', { via: `127.0.0.5:${first.socket.localPort ?? 0}`, transport: 'TCP', branch: branch() }));
    expect(await until(() => first.received().startsWith('SIP/2.0 503'), 2000)).toBe(true);
    for (const p of [...a, ...b]) p.socket.destroy();
    let open: number | undefined;
    for (let i = 0; i < 50 && (open = await scrape(http, 'sipsrv_transport_inbound_connections')) !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(open).toBe(0);
  });

  it('answers 503 with Retry-After once SIPSRV_MAX_SERVER_TRANSACTIONS are live (UDP transactions linger for Timer J)', async () => {
    const probe = await UdpProbe.bind('127.0.0.8');
    for (let i = 0; i < 8; i++) await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch() }), server.sipPort);
    expect(await until(() => probe.received.length === 8, 3000)).toBe(true);
    const withRetryAfter = probe.received.filter((m) => /\r\nRetry-After: 5\r\n/i.test(m));
    expect(statusLines(probe.received).every((l) => l.startsWith('SIP/2.0 503'))).toBe(true);
    expect(withRetryAfter).toHaveLength(3); // 5 live NISTs (Timer J, 32 s on UDP), then 503 + Retry-After
    expect(await scrape(server.service.health.port, 'sipsrv_guard_overload_rejected_total')).toBe(withRetryAfter.length);
    probe.close();
  });
});

describe('message limits on every transport', () => {
  let server: TestSipServer;
  let sipPort = 0;
  let wsPort = 0;
  beforeAll(async () => {
    sipPort = await freePort();
    wsPort = await freePort();
    server = await startTestSipServer({
      SIPSRV_CONTACTS: `sip:127.0.0.1:${sipPort};transport=udp,tcp sip:127.0.0.1:${wsPort};transport=ws`,
      SIPSRV_MAX_MESSAGE_BYTES: '8192',
      SIPSRV_MAX_HEADERS: '40',
      SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.11',
    });
  });
  afterAll(() => server.stop());

  it('drops an oversized datagram unparsed, answers one with too many headers 400, and keeps serving', async () => {
    const probe = await UdpProbe.bind('127.0.0.9');
    const http = server.service.health.port;
    const droppedBefore = (await scrape(http, 'sipsrv_transport_garbage_dropped')) ?? 0;
    // Over SIPSRV_MAX_MESSAGE_BYTES the parser does not even look at it (no headers known, nothing to answer).
    await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch(), extra: [`X-Pad: ${'a'.repeat(9000)}`] }), sipPort);
    expect(await until(async () => (await scrape(http, 'sipsrv_transport_garbage_dropped')) === droppedBefore + 1, 2000)).toBe(true);
    const many = Array.from({ length: 50 }, (_, i) => `X-H${i}: ${i}`);
    await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch(), extra: many }), sipPort);
    await probe.send(rawRequest('OPTIONS', { via: probe.via, branch: branch() }), sipPort);
    expect(await until(() => probe.received.length === 2, 2000)).toBe(true);
    expect(statusLines(probe.received)).toEqual(['SIP/2.0 400 Too Many Headers', 'SIP/2.0 503 Service Unavailable']);
    probe.close();
  });

  it('cuts off a TCP peer whose header block never ends (bounded buffering)', async () => {
    const tcp = await tcpProbe(sipPort, '127.0.0.10');
    tcp.socket.write('OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n');
    let written = 0;
    // Up to 1 MiB of header lines without CRLFCRLF, 1 KiB at a time; the server must close long before.
    while (!tcp.isClosed() && written < 1024 * 1024) {
      tcp.socket.write(`X-Endless: ${'b'.repeat(1000)}\r\n`);
      written += 1013;
      if (written % (16 * 1024) < 1013) await new Promise((r) => setImmediate(r));
    }
    await Promise.race([tcp.closed, new Promise((r) => setTimeout(r, 3000))]);
    expect(tcp.isClosed()).toBe(true);
    expect(written).toBeLessThan(512 * 1024); // cut off early, not after we gave up
  });

  it('cuts off a TCP peer announcing a body bigger than the limit without waiting for it', async () => {
    const tcp = await tcpProbe(sipPort, '127.0.0.10');
    const head = rawRequest('INVITE', { via: `127.0.0.10:${tcp.socket.localPort ?? 0}`, transport: 'TCP', branch: branch() })
      .toString()
      .replace('Content-Length: 0', 'Content-Length: 99999999');
    tcp.socket.write(head);
    await Promise.race([tcp.closed, new Promise((r) => setTimeout(r, 2000))]);
    expect(tcp.isClosed()).toBe(true);
    // A well-formed request on a new connection from the same source is still served.
    const ok = await tcpProbe(sipPort, '127.0.0.10');
    ok.socket.write(rawRequest('OPTIONS', { via: `127.0.0.10:${ok.socket.localPort ?? 0}`, transport: 'TCP', branch: branch() }));
    expect(await until(() => ok.received().startsWith('SIP/2.0 503'), 2000)).toBe(true);
    ok.socket.destroy();
  });

  it('closes a TCP connection whose peer sends requests but never reads the responses (bounded write buffer)', async () => {
    const tcp = await tcpProbe(sipPort, '127.0.0.11');
    tcp.socket.pause(); // never read: responses pile up in the kernel, then in the server
    const via = `127.0.0.11:${tcp.socket.localPort ?? 0};x=${'p'.repeat(7000)}`;
    // ~7 KB requests whose 503s echo the ~7 KB Via: 2,000 of them (14 MB of responses) exceed the
    // kernel buffers on both sides plus the server's 1 MiB of unsent bytes.
    for (let i = 0; i < 2000 && !tcp.isClosed(); i++) {
      if (!tcp.socket.write(rawRequest('OPTIONS', { via, transport: 'TCP', branch: branch() }))) await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.race([tcp.closed, new Promise((r) => setTimeout(r, 10_000))]);
    expect(tcp.isClosed()).toBe(true);
  });

  it('closes a WebSocket that sends a message over the limit (1009)', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, 'sip');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => undefined);
    const code = new Promise<number>((r) => ws.once('close', (c: number) => r(c)));
    ws.send(rawRequest('OPTIONS', { via: 'df7jal23ls0d.invalid', branch: branch(), extra: [`X-Pad: ${'c'.repeat(9000)}`] }).toString());
    expect(await code).toBe(1009);
  });
});

describe('admin (wire protocol) port', () => {
  let server: TestSipServer;
  beforeAll(async () => {
    server = await startTestSipServer({ SIPSRV_ADMIN_AUTH_TIMEOUT_MS: '300', SIPSRV_ADMIN_MAX_CONNECTIONS: '2' });
  });
  afterAll(() => server.stop());

  it('closes a connection that does not authenticate in time, and refuses connections over the cap', async () => {
    const silent = await tcpProbe(server.admin.port);
    const started = Date.now();
    const second = await tcpProbe(server.admin.port);
    const third = await tcpProbe(server.admin.port);
    await third.closed; // over SIPSRV_ADMIN_MAX_CONNECTIONS: closed at accept
    expect(silent.isClosed()).toBe(false);
    await silent.closed;
    await second.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // A real app still connects and authenticates.
    const app = newSrf();
    await connectSrf(app, server.admin);
    app.disconnect();
  });
});
