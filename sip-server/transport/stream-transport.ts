// RFC 3261 §18 over TCP and over TLS (§26.2.1, node:tls): listener, outbound connections, connection
// table with reuse (§18.1.1, §18.2.2). Both kinds frame by Content-Length (StreamConnection).
import { connect, createServer, isIP, isIPv6, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import type { Logger } from '#lib/log/index.js';
import type { ConnectionInfo, ConnectionSettings, ConnectionSink } from './connection.js';
import { ConnectionTable } from './connection-table.js';
import { admitSocket } from './inbound-admission.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { StreamConnection } from './stream-connection.js';
import type { TlsMaterial } from './tls-options.js';
import { SipTransportError } from './transport-error.js';
import type { ListeningPoint, Transport } from './types.js';

/** Options for a TCP or TLS transport. */
export type StreamTransportOptions = {
  host: string;
  port: number;
  externalAddress: string | undefined;
  /** Certificate and key: given → TLS, absent → TCP. */
  tls: TlsMaterial | undefined;
  settings: ConnectionSettings;
  /** Gives each new connection its id (unique within the TransportLayer). */
  nextConnectionId: () => string;
  sink: ConnectionSink;
  log: Logger;
  /** Time allowed for an outbound connect (and TLS handshake), default 5 s (Timer B/F still bound the transaction). */
  connectTimeoutMs?: number;
};

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** A TCP or TLS listener plus every connection it accepted or opened. */
export class StreamTransport implements Transport {
  readonly kind: 'tcp' | 'tls';
  readonly reliable = true;
  readonly listeningPoint: ListeningPoint;
  readonly #server: Server;
  readonly #opts: StreamTransportOptions;
  readonly #table = new ConnectionTable<StreamConnection>();

  private constructor(server: Server, point: ListeningPoint, opts: StreamTransportOptions) {
    this.kind = opts.tls === undefined ? 'tcp' : 'tls';
    this.#server = server;
    this.listeningPoint = point;
    this.#opts = opts;
  }

  static listen(opts: StreamTransportOptions): Promise<StreamTransport> {
    const kind = opts.tls === undefined ? 'tcp' : 'tls';
    return new Promise((resolve, reject) => {
      const tls = opts.tls;
      const server: Server =
        tls === undefined
          ? createServer()
          : createTlsServer({ key: tls.key, cert: tls.cert, handshakeTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
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
        const t = new StreamTransport(server, { protocol: kind, localAddress: addr.address, localPort: addr.port, externalAddress: opts.externalAddress }, opts);
        // Connection caps apply to the raw socket, before a TLS handshake costs anything.
        const admission = opts.settings.admission;
        if (tls === undefined) {
          server.on('connection', (socket: Socket) => {
            if (admitSocket(socket, kind, admission)) t.#adopt(socket, undefined);
          });
        } else {
          server.on('connection', (socket: Socket) => admitSocket(socket, kind, admission));
          // A TLS server emits 'secureConnection' after the handshake; a failed handshake only logs.
          server.on('secureConnection', (socket: Socket) => t.#adopt(socket, undefined));
          server.on('tlsClientError', (err: Error, socket: Socket) => {
            opts.log.debug({ err, remoteAddress: socket.remoteAddress, transport: kind }, 'tls handshake failed');
            // A handshake timeout leaves the socket open (seen on Node 20): close it so its slot is freed.
            socket.destroy();
          });
        }
        server.on('error', (err) => opts.log.warn({ err, transport: kind }, `${kind} listener error`));
        resolve(t);
      });
    });
  }

  /** Number of open connections. */
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

  /** Sends over an open connection to host:port, or opens one (RFC 3261 §18.1.1, §18.2.2). */
  async sendTo(data: Buffer, host: string, port: number): Promise<void> {
    const conn = await this.#table.connectionTo(host, port, (key) => this.#dial(host, port, key));
    await conn.write(data);
  }

  #dial(host: string, port: number, key: string): Promise<StreamConnection> {
    const tls = this.#opts.tls;
    return new Promise<StreamConnection>((resolve, reject) => {
      const family = isIPv6(host) ? 6 : 0;
      const socket: Socket =
        tls === undefined
          ? connect({ host, port, family })
          : tlsConnect({
              host,
              port,
              // RFC 3261 §26.3.1: check the server's certificate; SNI only for names (RFC 6066 §3).
              ...(isIP(host) === 0 ? { servername: host } : {}),
              ...(tls.ca === undefined ? {} : { ca: tls.ca }),
              rejectUnauthorized: tls.rejectUnauthorized,
              // Offered for mutual TLS with peers that ask for a client certificate.
              key: tls.key,
              cert: tls.cert,
            });
      socket.setTimeout(this.#opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      const fail = (err: Error): void => {
        socket.destroy();
        reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `${this.kind} connect to ${host}:${port} failed`, { cause: err }));
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new Error('connect timeout')));
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        resolve(this.#adopt(socket, key));
      });
    });
  }

  #adopt(socket: Socket, dialledKey: string | undefined): StreamConnection {
    const sink = this.#opts.sink;
    const conn = new StreamConnection(this.#opts.nextConnectionId(), this.kind, socket, this.#opts.settings, {
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
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
