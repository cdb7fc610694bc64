// RFC 3261 §18 transport layer: listeners from drachtio-style contacts, receive → parse → stamp (§18.2.1,
// RFC 3581) or sent-by check (§18.1.2) → user; send to an address or a connection; responses per §18.2.2.
// Kinds: UDP, TCP, TLS (§26), WS and WSS (RFC 7118); CRLF keep-alives and idle timeout (RFC 5626 §3.5.1).
import { isIPv6 } from 'node:net';
import { SystemClock, type Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import {
  createErrorResponse,
  createResponse,
  parseMessage,
  serializeMessage,
  DEFAULT_MAX_HEADERS,
  DEFAULT_MAX_MESSAGE_BYTES,
  type ParseResult,
  type SipMessage,
  type SipResponse,
} from '#sip-server/message/index.js';
import type { Connection, ConnectionInfo, ConnectionSettings, ConnectionSink } from './connection.js';
import type { ContactSpec } from './contacts.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { StreamTransport } from './stream-transport.js';
import { loadTlsMaterial, type TlsMaterial, type TlsOptions } from './tls-options.js';
import { SipTransportError } from './transport-error.js';
import type { Destination, ListeningPoint, MessageSource, SourcePolicy, Transport, TransportKind, TransportStats, TransportUser } from './types.js';
import { UdpTransport } from './udp-transport.js';
import { WsTransport } from './ws-transport.js';
import { hostForUri, responseDestination, sentByIsOurs, stampReceived } from './via-rules.js';

/** Options for TransportLayer.create. */
export type TransportLayerOptions = {
  contacts: readonly ContactSpec[];
  log: Logger;
  /** May also be given later with `setUser` (the transaction layer is built after the transport layer). */
  user?: TransportUser;
  maxMessageBytes?: number;
  maxHeaders?: number;
  /**
   * SO_RCVBUF / SO_SNDBUF asked for each UDP socket (default 4 MiB; the kernel caps it at
   * net.core.rmem_max / wmem_max). Bigger buffers ride out bursts at high call rates.
   */
  udpBufferBytes?: number;
  /**
   * Certificate and key for `transport=tls` and `transport=wss` contacts (PEM text or file paths;
   * `generateSelfSignedCert()` makes a pair for local use). Required when such a contact is given.
   */
  tls?: TlsOptions;
  /**
   * Close TCP/TLS/WS/WSS connections after this long without traffic either way (CRLF pings count).
   * Default 900 000 (15 min); 0 disables.
   */
  idleTimeoutMs?: number;
  /** Source of time for idle timeouts (default: the system clock). */
  clock?: Clock;
  /**
   * Limits on outsiders (rate limit and ban list, connection caps, overload; `sip-server/guard`).
   * Without it every source is accepted.
   */
  policy?: SourcePolicy;
};

/** Default UDP socket buffer request. */
export const DEFAULT_UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/** Retry-After (seconds) of the 503 sent while the server is overloaded. */
const OVERLOAD_RETRY_AFTER_SEC = 5;

/** Default idle timeout of connections: 15 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 900_000;

/** All listeners of the server, and the single entry point for sending and receiving SIP bytes. */
export class TransportLayer {
  readonly #transports: Transport[];
  readonly #log: Logger;
  readonly #maxBytes: number;
  readonly #maxHeaders: number;
  readonly #udpBufferBytes: number;
  readonly #settings: ConnectionSettings;
  readonly #sink: ConnectionSink;
  readonly #policy: SourcePolicy | undefined;
  #tls: TlsMaterial | undefined;
  #user: TransportUser | undefined;
  #closed = false;
  #nextConn = 1;
  readonly #stats: TransportStats = {
    messagesReceived: 0,
    garbageDropped: 0,
    badRequestsAnswered: 0,
    badMessagesDropped: 0,
    responsesMisrouted: 0,
    keepalivesAnswered: 0,
    idleConnectionsClosed: 0,
    wsUpgradesRefused: 0,
    bannedDropped: 0,
    rateLimited: 0,
    overloadRejected: 0,
    connectionsRefused: 0,
  };

  private constructor(opts: TransportLayerOptions) {
    this.#transports = [];
    this.#log = opts.log;
    this.#maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxHeaders = opts.maxHeaders ?? DEFAULT_MAX_HEADERS;
    this.#udpBufferBytes = opts.udpBufferBytes ?? DEFAULT_UDP_BUFFER_BYTES;
    this.#user = opts.user;
    this.#policy = opts.policy;
    this.#settings = {
      maxMessageBytes: this.#maxBytes,
      idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      clock: opts.clock ?? new SystemClock(),
      log: opts.log,
      admission: {
        policy: opts.policy,
        onRefused: (kind, remoteAddress, verdict) => {
          this.#stats.connectionsRefused++;
          this.#log.debug({ transport: kind, remoteAddress, verdict }, 'inbound connection refused');
        },
      },
    };
    this.#sink = {
      onFrame: (data, conn) => this.#onFrame(data, conn),
      onKeepalive: () => {
        this.#stats.keepalivesAnswered++;
      },
      onIdle: () => {
        this.#stats.idleConnectionsClosed++;
      },
      onFramingError: (conn) => {
        this.#stats.garbageDropped++;
        // A broken stream costs a connection: it counts against the source's rate like garbage does.
        if (this.#policy?.admitRequest(conn.remoteAddress, undefined) === 'drop') this.#stats.rateLimited++;
      },
      onClose: (conn, err) => this.#callUser((u) => u.onConnectionClosed?.(conn.id, err)),
    };
  }

  /** Binds every transport of every contact. Port 0 binds a free port (see `listening()`). */
  static async create(opts: TransportLayerOptions): Promise<TransportLayer> {
    const layer = new TransportLayer(opts);
    try {
      const secure = opts.contacts.some((c) => c.transports.includes('tls') || c.transports.includes('wss'));
      if (secure && opts.tls === undefined) {
        throw new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, 'tls and wss contacts need the tls option (key and cert)');
      }
      if (opts.tls !== undefined) layer.#tls = await loadTlsMaterial(opts.tls);
      for (const c of opts.contacts) {
        for (const kind of c.transports) layer.#transports.push(await layer.#bind(kind, c));
      }
    } catch (err) {
      await layer.close();
      throw err;
    }
    return layer;
  }

  async #bind(kind: TransportKind, c: ContactSpec): Promise<Transport> {
    switch (kind) {
      case 'udp':
        return UdpTransport.bind(
          c.host,
          c.port,
          c.externalAddress,
          (data, addr, port, t) => this.#onDatagram(data, addr, port, t),
          this.#log,
          this.#udpBufferBytes,
        );
      case 'tcp':
      case 'tls': {
        // With transport=udp,tcp on port 0, TCP takes the port UDP got so both share one sent-by.
        // TLS (and WS/WSS) on port 0 get a free port of their own.
        const udp = this.#transports.find((t) => t.kind === 'udp' && t.listeningPoint.localAddress === c.host);
        const port = kind === 'tcp' && c.port === 0 && udp !== undefined ? udp.listeningPoint.localPort : c.port;
        return StreamTransport.listen({
          host: c.host,
          port,
          externalAddress: c.externalAddress,
          tls: kind === 'tls' ? this.#tls : undefined,
          settings: this.#settings,
          nextConnectionId: () => `${kind}-${this.#nextConn++}`,
          sink: this.#sink,
          log: this.#log,
        });
      }
      case 'ws':
      case 'wss':
        return WsTransport.listen({
          host: c.host,
          port: c.port,
          externalAddress: c.externalAddress,
          tls: kind === 'wss' ? this.#tls : undefined,
          settings: this.#settings,
          nextConnectionId: () => `${kind}-${this.#nextConn++}`,
          sink: this.#sink,
          log: this.#log,
        });
    }
  }

  /** Sets the receiver of incoming messages. */
  setUser(user: TransportUser): void {
    this.#user = user;
  }

  /** Every bound listener with its actual port. */
  listening(): ListeningPoint[] {
    return this.#transports.map((t) => ({ ...t.listeningPoint }));
  }

  /** Kernel socket buffer sizes of each UDP listener (diagnostics and tests). */
  udpBufferSizes(): Array<{ localPort: number; recvBytes: number; sendBytes: number }> {
    return this.#transports
      .filter((t): t is UdpTransport => t instanceof UdpTransport)
      .map((t) => ({ localPort: t.listeningPoint.localPort, ...t.bufferSizes() }));
  }

  /** Open connections of every connection-oriented transport (the connection table). */
  connections(): ConnectionInfo[] {
    return this.#transports.flatMap((t) => t.connections());
  }

  /** Counters (garbage dropped, 400s sent, misrouted responses, ...). */
  get stats(): Readonly<TransportStats> {
    const wsUpgradesRefused = this.#transports.reduce((n, t) => n + (t instanceof WsTransport ? t.refusedUpgrades : 0), 0);
    return { ...this.#stats, wsUpgradesRefused };
  }

  /** True when `kind` is connection-oriented (Timers E/G/I/J/K zeroed, RFC 3261 Appendix A). */
  isReliable(kind: TransportKind): boolean {
    return kind !== 'udp';
  }

  /** The listener used to send over `kind` towards `host` (same address family when possible). */
  transportFor(kind: TransportKind, host?: string): Transport | undefined {
    const v6 = host !== undefined && isIPv6(host.startsWith('[') ? host.slice(1, -1) : host);
    const ofKind = this.#transports.filter((t) => t.kind === kind);
    return ofKind.find((t) => isIPv6(t.listeningPoint.localAddress) === v6) ?? ofKind[0];
  }

  /** sent-by (host, port) to put in our Via for a request leaving over `kind` (external address when set). */
  viaSentBy(kind: TransportKind, host?: string): { host: string; port: number } | undefined {
    const t = this.transportFor(kind, host);
    if (t === undefined) return undefined;
    const p = t.listeningPoint;
    return { host: hostForUri(p.externalAddress ?? p.localAddress), port: p.localPort };
  }

  /** Sends a message or raw bytes to an address or over a connection. Rejects with SipTransportError. */
  async send(message: SipMessage | Buffer, dest: Destination): Promise<void> {
    if (this.#closed) throw new SipTransportError(E.SIP_TRANSPORT_CLOSED, 'transport layer closed');
    const data = Buffer.isBuffer(message) ? message : serializeMessage(message);
    if ('connectionId' in dest) {
      const owner = this.#transports.find((t) => t.owns(dest.connectionId));
      if (owner === undefined) throw new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `no connection ${dest.connectionId}`);
      await owner.sendOnConnection(dest.connectionId, data);
      return;
    }
    const t = this.transportFor(dest.transport, dest.host);
    if (t === undefined) throw new SipTransportError(E.SIP_TRANSPORT_NO_TRANSPORT, `no ${dest.transport} transport`);
    const host = dest.host.startsWith('[') ? dest.host.slice(1, -1) : dest.host;
    await t.sendTo(data, host, dest.port);
  }

  /**
   * Sends a response per RFC 3261 §18.2.2: over the connection the request came on when it is
   * still open, else to the top Via's received/rport (RFC 3581 §4) or sent-by.
   */
  async sendResponse(response: SipResponse, source?: MessageSource): Promise<void> {
    const data = serializeMessage(response);
    if (source?.connectionId !== undefined && this.#transports.some((t) => t.owns(source.connectionId as string))) {
      try {
        await this.send(data, { connectionId: source.connectionId });
        return;
      } catch (err) {
        // §18.2.2: the connection failed; fall back to a new connection / the Via address below.
        this.#log.debug({ err, connectionId: source.connectionId }, 'response connection failed, using Via address');
      }
    }
    const dest = responseDestination(response);
    if (dest === undefined) throw new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, 'response has no usable top Via');
    await this.send(data, dest);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#transports.map((t) => t.close()));
  }

  #onDatagram(data: Buffer, remoteAddress: string, remotePort: number, t: UdpTransport): void {
    if (this.#policy !== undefined && !this.#policy.acceptsFrom(remoteAddress)) {
      this.#stats.bannedDropped++; // dropped silently, unparsed (pike)
      return;
    }
    // RFC 5626 §4.4.1 / common practice: bare CRLF datagrams are keep-alives, not messages.
    if (isOnlyCrlf(data)) return;
    const p = t.listeningPoint;
    const source: MessageSource = { protocol: 'udp', remoteAddress, remotePort, localAddress: p.localAddress, localPort: p.localPort, connectionId: undefined };
    this.#dispatch(parseMessage(data, { framing: 'datagram', maxMessageBytes: this.#maxBytes, maxHeaders: this.#maxHeaders }), source);
  }

  #onFrame(data: Buffer, conn: Connection): void {
    if (this.#policy !== undefined && !this.#policy.acceptsFrom(conn.remoteAddress)) {
      // A banned source keeps no connection: drop the frame unparsed and close.
      this.#stats.bannedDropped++;
      conn.close();
      return;
    }
    const source: MessageSource = {
      protocol: conn.kind,
      remoteAddress: conn.remoteAddress,
      remotePort: conn.remotePort,
      localAddress: conn.localAddress,
      localPort: conn.localPort,
      connectionId: conn.id,
    };
    // TCP/TLS frames are cut by Content-Length; a WebSocket message is one whole message (RFC 7118 §5),
    // parsed as a datagram so a present Content-Length is still checked against the body.
    this.#dispatch(parseMessage(data, { framing: conn.framing, maxMessageBytes: this.#maxBytes, maxHeaders: this.#maxHeaders }), source);
  }

  #dispatch(r: ParseResult, source: MessageSource): void {
    this.#stats.messagesReceived++;
    if (this.#policy !== undefined && (r.ok ? r.message.kind === 'request' : r.error.partial.kind !== 'response')) {
      if (!this.#admit(r, source, this.#policy)) return;
    }
    if (!r.ok) {
      const response = createErrorResponse(r.error);
      if (response === undefined) {
        if (r.error.partial.method === undefined && r.error.partial.kind !== 'response') this.#stats.garbageDropped++;
        else this.#stats.badMessagesDropped++;
        this.#log.debug({ code: r.error.code, remoteAddress: source.remoteAddress, protocol: source.protocol }, 'dropped unparseable message');
        return;
      }
      // Malformed request with enough to answer: 400 <reason> straight back to where it came from.
      this.#stats.badRequestsAnswered++;
      const dest: Destination =
        source.connectionId !== undefined ? { connectionId: source.connectionId } : { transport: source.protocol, host: source.remoteAddress, port: source.remotePort };
      this.send(response, dest).catch((err: unknown) => this.#log.debug({ err }, 'could not send 400 for malformed request'));
      return;
    }
    const m = r.message;
    if (m.kind === 'request') {
      stampReceived(m, source);
      this.#callUser((u) => u.onRequest(m, source));
      return;
    }
    if (!sentByIsOurs(m, this.listening())) {
      this.#stats.responsesMisrouted++;
      this.#log.debug({ remoteAddress: source.remoteAddress }, 'dropped response whose top Via is not ours');
      return;
    }
    this.#callUser((u) => u.onResponse(m, source));
  }

  /**
   * Counts a request (or unparseable input) against its source's rate. Over the rate: dropped
   * silently and its connection closed (the source is banned now). Overload: a request other than
   * ACK gets 503 with Retry-After (RFC 3261 §21.5.4) and never reaches the transaction layer.
   */
  #admit(r: ParseResult, source: MessageSource, policy: SourcePolicy): boolean {
    switch (policy.admitRequest(source.remoteAddress, r.ok && r.message.kind === 'request' ? r.message : undefined)) {
      case 'accept':
        return true;
      case 'drop':
        this.#stats.rateLimited++;
        if (source.connectionId !== undefined) this.#closeConnection(source.connectionId);
        return false;
      case 'overload': {
        // Unparseable input still gets its 400; an ACK is never answered (RFC 3261 §17.2.1).
        if (!r.ok || r.message.kind !== 'request' || r.message.method === 'ACK') return true;
        this.#stats.overloadRejected++;
        const response = createResponse(r.message, 503);
        response.headers.set('Retry-After', String(OVERLOAD_RETRY_AFTER_SEC));
        this.sendResponse(response, source).catch((err: unknown) => this.#log.debug({ err }, 'could not send 503 under overload'));
        return false;
      }
    }
  }

  #closeConnection(connectionId: string): void {
    for (const t of this.#transports) t.closeConnection(connectionId);
  }

  #callUser(fn: (u: TransportUser) => void): void {
    const u = this.#user;
    if (u === undefined) return;
    try {
      fn(u);
    } catch (err) {
      // A throwing upper layer must not kill the socket loop; the message is lost, which SIP retransmission covers.
      this.#log.error({ err }, 'transport user threw while handling a message');
    }
  }
}

function isOnlyCrlf(data: Buffer): boolean {
  for (const b of data) if (b !== 13 && b !== 10) return false;
  return true;
}
