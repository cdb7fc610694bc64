// RFC 7118 (SIP over WebSocket) for `transport=ws` / `transport=wss`: an HTTP(S) listener whose upgrades
// must ask for the `sip` subprotocol (§4.1), outbound WebSocket connections, and the shared connection table.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '#lib/log/index.js';
import type { ConnectionInfo, ConnectionSettings, ConnectionSink } from './connection.js';
import { ConnectionTable } from './connection-table.js';
import { admitSocket } from './inbound-admission.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import type { TlsMaterial } from './tls-options.js';
import { SipTransportError } from './transport-error.js';
import type { ListeningPoint, Transport } from './types.js';
import { hostForUri } from './via-rules.js';
import { WsConnection, type WsEndpoints } from './ws-connection.js';

/** The WebSocket subprotocol for SIP (RFC 7118 §3). */
export const SIP_WS_SUBPROTOCOL = 'sip';

/** Options for a WS or WSS transport. */
export type WsTransportOptions = {
  host: string;
  port: number;
  externalAddress: string | undefined;
  /** Certificate and key: given → WSS (HTTPS upgrade), absent → WS. */
  tls: TlsMaterial | undefined;
  settings: ConnectionSettings;
  nextConnectionId: () => string;
  sink: ConnectionSink;
  log: Logger;
  /** Time allowed for an outbound connect + handshake, default 5 s. */
  connectTimeoutMs?: number;
};

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** A WS or WSS listener plus every SIP WebSocket it accepted or opened. */
export class WsTransport implements Transport {
  readonly kind: 'ws' | 'wss';
  readonly reliable = true;
  readonly listeningPoint: ListeningPoint;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #opts: WsTransportOptions;
  readonly #table = new ConnectionTable<WsConnection>();
  #refused = 0;

  private constructor(server: Server, wss: WebSocketServer, point: ListeningPoint, opts: WsTransportOptions) {
    this.kind = opts.tls === undefined ? 'ws' : 'wss';
    this.#server = server;
    this.#wss = wss;
    this.listeningPoint = point;
    this.#opts = opts;
  }

  static listen(opts: WsTransportOptions): Promise<WsTransport> {
    const kind = opts.tls === undefined ? 'ws' : 'wss';
    return new Promise((resolve, reject) => {
      const tls = opts.tls;
      const server: Server = tls === undefined ? createHttpServer() : createHttpsServer({ key: tls.key, cert: tls.cert });
      // Plain HTTP requests are not SIP: 426 Upgrade Required.
      server.on('request', (_req, res) => {
        res.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Length': '0' });
        res.end();
      });
      const wss = new WebSocketServer({
        noServer: true,
        clientTracking: false,
        perMessageDeflate: false,
        maxPayload: opts.settings.maxMessageBytes,
        handleProtocols: (protocols) => (protocols.has(SIP_WS_SUBPROTOCOL) ? SIP_WS_SUBPROTOCOL : false),
      });
      const onError = (err: Error): void => {
        reject(new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, `cannot listen on ${kind} ${opts.host}:${opts.port}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(opts.port, opts.host, () => {
        server.off('error', onError);
        const addr = server.address();
        if (addr === null || typeof addr === 'string') {
          reject(new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, `${kind} listener has no address`));
          return;
        }
        const t = new WsTransport(server, wss, { protocol: kind, localAddress: addr.address, localPort: addr.port, externalAddress: opts.externalAddress }, opts);
        // Connection caps apply to the raw socket, before any TLS or HTTP handshake.
        server.on('connection', (socket: Socket) => admitSocket(socket, kind, opts.settings.admission));
        server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => t.#onUpgrade(req, socket, head));
        server.on('error', (err) => opts.log.warn({ err, transport: kind }, `${kind} listener error`));
        if (tls !== undefined) {
          server.on('tlsClientError', (err: Error, socket: Socket) => {
            opts.log.debug({ err, remoteAddress: socket.remoteAddress, transport: kind }, 'tls handshake failed');
            // A handshake timeout leaves the socket open (seen on Node 20): close it so its slot is freed.
            socket.destroy();
          });
        }
        resolve(t);
      });
    });
  }

  /** Upgrades refused because the client did not offer the `sip` subprotocol. */
  get refusedUpgrades(): number {
    return this.#refused;
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.#opts.log.debug({ err, transport: this.kind }, 'websocket upgrade socket error'));
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (!offered.includes(SIP_WS_SUBPROTOCOL)) {
      // RFC 7118 §4.1: the handshake must negotiate `sip`; anything else is refused before the upgrade.
      this.#refused++;
      this.#opts.log.debug({ remoteAddress: req.socket.remoteAddress, offered }, 'websocket upgrade without the sip subprotocol refused');
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 29\r\n\r\nsip subprotocol is required\r\n');
      return;
    }
    const tcp = req.socket;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#adopt(ws, endpoints(tcp), undefined);
    });
  }

  get connectionCount(): number {
    return this.#table.size;
  }

  connections(): ConnectionInfo[] {
    return this.#table.infos();
  }

  owns(connectionId: string): boolean {
    return this.#table.has(connectionId);
  }

  sendOnConnection(connectionId: string, data: Buffer): Promise<void> {
    return this.#table.send(connectionId, data);
  }

  closeConnection(connectionId: string): void {
    this.#table.get(connectionId)?.close();
  }

  /**
   * Sends over the open WebSocket with this remote address (a browser registered through us is
   * reached this way), or opens a WebSocket to host:port. `.invalid` hosts (RFC 7118 §5.2 Contacts
   * of browsers) can only be reached over an open connection.
   */
  async sendTo(data: Buffer, host: string, port: number): Promise<void> {
    const conn = await this.#table.connectionTo(host, port, (key) => this.#dial(host, port, key));
    await conn.write(data);
  }

  #dial(host: string, port: number, key: string): Promise<WsConnection> {
    if (host.toLowerCase().endsWith('.invalid')) {
      return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `no open ${this.kind} connection to ${host}:${port}`));
    }
    const tls = this.#opts.tls;
    const url = `${this.kind}://${hostForUri(host)}:${port}`;
    return new Promise<WsConnection>((resolve, reject) => {
      const ws = new WebSocket(url, SIP_WS_SUBPROTOCOL, {
        perMessageDeflate: false,
        maxPayload: this.#opts.settings.maxMessageBytes,
        handshakeTimeout: this.#opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        ...(tls === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.ca === undefined ? {} : { ca: tls.ca }) }),
      });
      let tcp: Socket | undefined;
      ws.once('upgrade', (res: IncomingMessage) => {
        tcp = res.socket;
      });
      const fail = (err: Error): void => {
        ws.terminate();
        reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `${this.kind} connect to ${host}:${port} failed`, { cause: err }));
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        if (ws.protocol !== SIP_WS_SUBPROTOCOL || tcp === undefined) {
          fail(new Error(`server did not accept the sip subprotocol (got '${ws.protocol}')`));
          return;
        }
        resolve(this.#adopt(ws, endpoints(tcp), key));
      });
    });
  }

  #adopt(ws: WebSocket, at: WsEndpoints, dialledKey: string | undefined): WsConnection {
    const sink = this.#opts.sink;
    const conn = new WsConnection(this.#opts.nextConnectionId(), this.kind, ws, at, this.#opts.settings, {
      onFrame: (data, c) => sink.onFrame(data, c),
      onKeepalive: (c) => sink.onKeepalive(c),
      onIdle: (c) => sink.onIdle(c),
      onFramingError: (c) => sink.onFramingError(c),
      onClose: (c, err) => {
        this.#table.remove(conn);
        sink.onClose(c, err);
      },
    });
    this.#table.add(conn, dialledKey);
    return conn;
  }

  close(): Promise<void> {
    this.#table.closeAll();
    this.#wss.close();
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}

function endpoints(s: Socket): WsEndpoints {
  return { remoteAddress: s.remoteAddress ?? '', remotePort: s.remotePort ?? 0, localAddress: s.localAddress ?? '', localPort: s.localPort ?? 0 };
}
