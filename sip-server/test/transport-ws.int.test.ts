// The SIP transport layer over WebSocket (RFC 7118) on loopback: `ws` clients with the `sip`
// subprotocol over WS and WSS, responses and later requests on the client's socket, refusal of
// other subprotocols, one message per WebSocket message with Content-Length checked, CRLF keep-alives;
// and sip.js (npm) in Node registering with digest auth, over WS and WSS, against a tiny registrar
// built directly on TransportLayer (not on the core), which then sends it a MESSAGE over its socket.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { Registerer, RegistererState, UserAgent, type Message } from 'sip.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SimulatedClock, SystemClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import {
  createResponse,
  formatUri,
  getContacts,
  getTopVia,
  parseMessage,
  serializeMessage,
  type SipRequest,
  type SipResponse,
} from '#sip-server/message/index.js';
import {
  generateSelfSignedCert,
  parseContacts,
  responseDestination,
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

function options(via: string, body = '', contentLength?: number): string {
  return `OPTIONS sip:server@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\nFrom: <sip:c@127.0.0.1>;tag=1\r\nTo: <sip:server@127.0.0.1>\r\nCall-ID: ws-test-${++callSeq}\r\nCSeq: 1 OPTIONS\r\n${
    contentLength === undefined ? '' : `Content-Length: ${contentLength}\r\n`
  }\r\n${body}`;
}

/** A `ws` client collecting every message it gets. */
class WsPeer {
  readonly ws: WebSocket;
  readonly got: Array<{ data: Buffer; binary: boolean }> = [];
  constructor(url: string, protocol: string | undefined, ca?: string) {
    this.ws = new WebSocket(url, protocol === undefined ? [] : [protocol], ca === undefined ? {} : { ca });
    this.ws.on('message', (data: Buffer, binary: boolean) => this.got.push({ data, binary }));
    this.ws.on('error', () => undefined);
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  /** Resolves with the HTTP status of a refused handshake. */
  refused(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.ws.once('unexpected-response', (_req, res: IncomingMessage) => resolve(res.statusCode ?? 0));
      this.ws.once('open', () => reject(new Error('handshake was accepted')));
    });
  }
  closedPromise(): Promise<void> {
    return new Promise((resolve) => this.ws.once('close', () => resolve()));
  }
}

describe('TransportLayer over WS and WSS', () => {
  let cert: SelfSignedCert;
  let layer: TransportLayer;
  const inbox = new Inbox();
  let wsPort = 0;
  let wssPort = 0;
  const peers: WsPeer[] = [];
  const peer = (url: string): WsPeer => {
    const p = new WsPeer(url, 'sip', cert.cert);
    peers.push(p);
    return p;
  };

  beforeAll(async () => {
    cert = await generateSelfSignedCert({ clock });
    layer = await TransportLayer.create({
      contacts: parseContacts('sip:127.0.0.1:0;transport=ws sip:127.0.0.1:0;transport=wss'),
      tls: { key: cert.key, cert: cert.cert, ca: cert.cert },
      log,
      user: inbox,
    });
    wsPort = layer.listening().find((p) => p.protocol === 'ws')?.localPort ?? 0;
    wssPort = layer.listening().find((p) => p.protocol === 'wss')?.localPort ?? 0;
  });

  afterAll(async () => {
    await layer.close();
  });

  afterEach(() => {
    inbox.items.length = 0;
    for (const p of peers.splice(0)) p.ws.terminate();
  });

  it.each([
    ['ws', 'WS'],
    ['wss', 'WSS'],
  ] as const)('delivers an OPTIONS over %s and answers on the same WebSocket, as a text message', async (kind, token) => {
    const port = kind === 'ws' ? wsPort : wssPort;
    const p = peer(`${kind}://127.0.0.1:${port}`);
    await p.opened();
    expect(p.ws.protocol).toBe('sip');
    p.ws.send(options(`SIP/2.0/${token} df7jal23ls0d.invalid;branch=z9hG4bK${kind}1;rport`, '', 0));
    await until(() => inbox.items.length === 1, 'the OPTIONS');
    const { request, source } = inbox.items[0] as Received;
    expect(source.protocol).toBe(kind);
    expect(source.connectionId).toMatch(new RegExp(`^${kind}-\\d+$`));
    expect(source).toMatchObject({ remoteAddress: '127.0.0.1', localPort: port });
    expect(getTopVia(request as SipRequest)).toMatchObject({ transport: token, host: 'df7jal23ls0d.invalid', received: '127.0.0.1', rport: source.remotePort });
    expect(layer.viaSentBy(kind)).toEqual({ host: '127.0.0.1', port });
    await layer.sendResponse(createResponse(request as SipRequest, 200), source);
    await until(() => p.got.length === 1, 'the 200');
    const reply = p.got[0] as { data: Buffer; binary: boolean };
    expect(reply.binary).toBe(false);
    expect(parseMessage(reply.data)).toMatchObject({ ok: true, message: { status: 200 } });
  });

  it('reaches a registered browser later over its socket, by connection id and by received/rport', async () => {
    const p = peer(`ws://127.0.0.1:${wsPort}`);
    await p.opened();
    p.ws.send(options('SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKreg;rport'));
    await until(() => inbox.items.length === 1, 'the request');
    const { request, source } = inbox.items[0] as Received;
    const notify = (branch: string): Buffer =>
      Buffer.from(
        `NOTIFY sip:c@df7jal23ls0d.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WS 127.0.0.1:${wsPort};branch=${branch}\r\nMax-Forwards: 70\r\nFrom: <sip:server@127.0.0.1>;tag=9\r\nTo: <sip:c@127.0.0.1>;tag=1\r\nCall-ID: n-${branch}\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n`,
      );
    await layer.send(notify('z9hG4bKn1'), { connectionId: source.connectionId as string });
    // What a registrar keeps: the stamped Via's received/rport, which the connection table maps back to the socket.
    const viaDest = responseDestination(createResponse(request as SipRequest, 200));
    expect(viaDest).toEqual({ transport: 'ws', host: '127.0.0.1', port: source.remotePort });
    await layer.send(notify('z9hG4bKn2'), viaDest as { transport: 'ws'; host: string; port: number });
    await until(() => p.got.length === 2, 'two NOTIFYs');
    expect(p.got.map((g) => g.data.toString().match(/branch=(\w+)/)?.[1])).toEqual(['z9hG4bKn1', 'z9hG4bKn2']);
    await expect(layer.send(notify('z9hG4bKn3'), { transport: 'ws', host: 'df7jal23ls0d.invalid', port: 80 })).rejects.toMatchObject({
      code: 'SIP_TRANSPORT_NO_CONNECTION',
    });
  });

  it.each([
    ['another subprotocol', 'xmpp'],
    ['no subprotocol', undefined],
  ])('refuses a WebSocket handshake with %s', async (_what, protocol) => {
    const before = layer.stats.wsUpgradesRefused;
    const p = new WsPeer(`ws://127.0.0.1:${wsPort}`, protocol);
    peers.push(p);
    expect(await p.refused()).toBe(400);
    expect(layer.stats.wsUpgradesRefused).toBe(before + 1);
    expect(layer.connections().filter((c) => c.protocol === 'ws')).toHaveLength(0);
  });

  it('takes one message per WebSocket message, checks a present Content-Length, and answers bad ones with 400', async () => {
    const p = peer(`ws://127.0.0.1:${wsPort}`);
    await p.opened();
    // Binary frame, body without Content-Length: the frame bounds the message.
    p.ws.send(Buffer.from(options('SIP/2.0/WS h.invalid;branch=z9hG4bKb1', 'hello')), { binary: true });
    await until(() => inbox.items.length === 1, 'the first message');
    expect(inbox.items[0]?.request?.body.toString()).toBe('hello');
    // Content-Length larger than the body: 400 on the same socket (RFC 3261 §18.3).
    p.ws.send(options('SIP/2.0/WS h.invalid;branch=z9hG4bKb2', 'abc', 10));
    await until(() => p.got.length === 1, 'the 400');
    expect(parseMessage((p.got[0] as { data: Buffer }).data)).toMatchObject({ ok: true, message: { status: 400 } });
    expect(inbox.items).toHaveLength(1);
  });

  it('answers a CRLFCRLF ping with a CRLF pong', async () => {
    const p = peer(`wss://127.0.0.1:${wssPort}`);
    await p.opened();
    const before = layer.stats.keepalivesAnswered;
    p.ws.send('\r\n\r\n');
    await until(() => p.got.length === 1, 'the pong');
    expect(p.got[0]?.data.toString()).toBe('\r\n');
    expect(layer.stats.keepalivesAnswered).toBe(before + 1);
  });

  it('answers plain HTTP with 426 and closes idle WebSockets (simulated clock)', async () => {
    const res = await fetch(`http://127.0.0.1:${wsPort}/`);
    expect(res.status).toBe(426);
    const sim = new SimulatedClock();
    const idle = await TransportLayer.create({ contacts: parseContacts('sip:127.0.0.1:0;transport=ws'), idleTimeoutMs: 5_000, clock: sim, log });
    try {
      const p = peer(`ws://127.0.0.1:${idle.listening()[0]?.localPort ?? 0}`);
      await p.opened();
      await until(() => idle.connections().length === 1, 'the connection in the table');
      sim.advance(4_999);
      expect(idle.connections()).toHaveLength(1);
      const closed = p.closedPromise();
      sim.advance(1);
      await closed;
      await until(() => idle.connections().length === 0, 'the table entry to go');
      expect(idle.stats.idleConnectionsClosed).toBe(1);
    } finally {
      await idle.close();
    }
  });

  it('opens an outbound WebSocket with the sip subprotocol and reuses it', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server, handleProtocols: (ps) => (ps.has('sip') ? 'sip' : false) });
    const got: string[] = [];
    let accepted = 0;
    wss.on('connection', (ws) => {
      accepted++;
      ws.on('message', (d: Buffer) => {
        got.push(d.toString());
        const r = parseMessage(d);
        if (r.ok && r.message.kind === 'request') ws.send(serializeMessage(createResponse(r.message, 200)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      for (const b of ['z9hG4bKwo1', 'z9hG4bKwo2']) {
        await layer.send(Buffer.from(options(`SIP/2.0/WS 127.0.0.1:${wsPort};branch=${b}`, '', 0)), { transport: 'ws', host: '127.0.0.1', port });
      }
      await until(() => inbox.items.filter((i) => i.response !== undefined).length === 2, 'two responses');
      expect(accepted).toBe(1);
      expect(got).toHaveLength(2);
      expect(inbox.items[0]?.source.protocol).toBe('ws');
    } finally {
      wss.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** The registrar's memory of one binding: the Contact and the flow it came in on (RFC 5626 §5.2 style). */
type Binding = { contact: string; source: MessageSource };

/**
 * A minimal registrar on TransportLayer: 401 with a Digest challenge (RFC 3261 §22.4, RFC 2617 qop=auth),
 * 200 with the binding once the response checks out. Enough to drive sip.js; the real registrar is an app.
 */
class TinyRegistrar implements TransportUser {
  readonly bindings: Binding[] = [];
  readonly responses: Array<{ response: SipResponse; source: MessageSource }> = [];
  readonly nonce = randomBytes(8).toString('hex');
  challenges = 0;
  #layer: TransportLayer | undefined;
  readonly #password: string;

  constructor(password: string) {
    this.#password = password;
  }

  attach(layer: TransportLayer): void {
    this.#layer = layer;
    layer.setUser(this);
  }

  onRequest(request: SipRequest, source: MessageSource): void {
    const layer = this.#layer;
    if (layer === undefined) return;
    const reply = (status: number, build?: (r: SipResponse) => void): void => {
      const r = createResponse(request, status, undefined, { toTag: 'reg1' });
      build?.(r);
      layer.sendResponse(r, source).catch(() => undefined);
    };
    if (request.method !== 'REGISTER') {
      reply(405);
      return;
    }
    const auth = request.headers.get('authorization');
    if (auth === undefined || !this.#verify(auth, request.method)) {
      this.challenges++;
      reply(401, (r) => r.headers.set('WWW-Authenticate', `Digest realm="test", nonce="${this.nonce}", qop="auth", algorithm=MD5`));
      return;
    }
    const contacts = getContacts(request);
    const uri = contacts !== undefined && !contacts.wildcard ? contacts.contacts[0]?.uri : undefined;
    if (uri === undefined) {
      reply(400);
      return;
    }
    const contact = formatUri(uri);
    this.bindings.push({ contact, source });
    reply(200, (r) => r.headers.set('Contact', `<${contact}>;expires=600`));
  }

  onResponse(response: SipResponse, source: MessageSource): void {
    this.responses.push({ response, source });
  }

  #verify(header: string, method: string): boolean {
    const p = new Map([...header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)].map((m) => [m[1] as string, m[2] ?? m[3] ?? '']));
    if (p.get('nonce') !== this.nonce) return false;
    const ha1 = md5(`${p.get('username') ?? ''}:test:${this.#password}`);
    const ha2 = md5(`${method}:${p.get('uri') ?? ''}`);
    const expected = md5(`${ha1}:${this.nonce}:${p.get('nc') ?? ''}:${p.get('cnonce') ?? ''}:${p.get('qop') ?? ''}:${ha2}`);
    return p.get('response') === expected;
  }
}

describe('sip.js registering over WebSocket through TransportLayer', () => {
  let cert: SelfSignedCert;

  beforeAll(async () => {
    cert = await generateSelfSignedCert({ clock });
  });

  it.each(['ws', 'wss'] as const)('registers with digest auth over %s and then takes a MESSAGE on its socket', async (kind) => {
    const registrar = new TinyRegistrar('s3cret');
    const layer = await TransportLayer.create({ contacts: parseContacts(`sip:127.0.0.1:0;transport=${kind}`), tls: cert, log });
    registrar.attach(layer);
    const port = layer.listening()[0]?.localPort ?? 0;
    const ca = cert.cert;
    // sip.js opens `new WebSocket(server, "sip")` as in a browser; in Node 20 the `ws` client plays that part
    // (trusting our self-signed certificate for WSS).
    class NodeWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { ca });
      }
    }
    const g = globalThis as { WebSocket?: unknown };
    const previous = g.WebSocket;
    g.WebSocket = NodeWebSocket;
    const messages: string[] = [];
    const aor = UserAgent.makeURI('sip:alice@127.0.0.1');
    if (aor === undefined) throw new Error('bad AOR');
    const ua = new UserAgent({
      uri: aor,
      transportOptions: { server: `${kind}://127.0.0.1:${port}` },
      authorizationUsername: 'alice',
      authorizationPassword: 's3cret',
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onMessage: (m: Message): void => {
          messages.push(m.request.body);
          void m.accept();
        },
      },
    });
    try {
      await ua.start();
      const registerer = new Registerer(ua, { expires: 600 });
      let registered = false;
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) registered = true;
      });
      await registerer.register();
      await until(() => registered, 'sip.js to be registered');
      expect(registrar.challenges).toBe(1);
      expect(registrar.bindings).toHaveLength(1);
      const binding = registrar.bindings[0] as Binding;
      expect(binding.source.protocol).toBe(kind);
      expect(binding.contact).toMatch(new RegExp(`\\.invalid;transport=ws`));
      // A later request to the browser: Request-URI from its Contact, sent to the flow's address (received/rport).
      const viaToken = kind.toUpperCase();
      const sentBy = layer.viaSentBy(kind);
      const message = Buffer.from(
        `MESSAGE ${binding.contact} SIP/2.0\r\nVia: SIP/2.0/${viaToken} ${sentBy?.host}:${sentBy?.port};branch=z9hG4bKmsg${kind};rport\r\n` +
          `Max-Forwards: 70\r\nFrom: <sip:server@127.0.0.1>;tag=s1\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: msg-${kind}-${++callSeq}\r\n` +
          `CSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello`,
      );
      await layer.send(message, { transport: kind, host: binding.source.remoteAddress, port: binding.source.remotePort });
      await until(() => registrar.responses.length === 1, 'the 200 to our MESSAGE');
      expect(messages).toEqual(['hello']);
      expect(registrar.responses[0]?.response.status).toBe(200);
      expect(registrar.responses[0]?.source.connectionId).toBe(binding.source.connectionId);
    } finally {
      await ua.stop();
      g.WebSocket = previous;
      await layer.close();
    }
  });
});
