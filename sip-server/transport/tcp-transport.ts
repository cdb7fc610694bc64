// RFC 3261 §18 over TCP: listener, outbound connections, connection table with reuse (§18.2.2, §18.1.1).
import { connect, createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '#lib/log/index.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { StreamConnection, type ConnectionSink } from './stream-connection.js';
import { SipTransportError } from './transport-error.js';
import type { ListeningPoint, Transport } from './types.js';

/** Options for a TCP transport. */
export type TcpTransportOptions = {
  host: string;
  port: number;
  externalAddress: string | undefined;
  maxMessageBytes: number;
  /** Gives each new connection its id (unique within the TransportLayer). */
  nextConnectionId: () => string;
  sink: ConnectionSink;
  log: Logger;
  /** Time allowed for an outbound connect, default 5 s (RFC 3261 leaves it open; Timer B/F still bound the transaction). */
  connectTimeoutMs?: number;
};

/** A TCP listener plus every connection it accepted or opened, indexed by id and by remote address. */
export class TcpTransport implements Transport {
  readonly kind = 'tcp' as const;
  readonly reliable = true;
  readonly listeningPoint: ListeningPoint;
  readonly #server: Server;
  readonly #opts: TcpTransportOptions;
  readonly #byId = new Map<string, StreamConnection>();
  /** `host:port` (as dialled or as seen) → connection id. */
  readonly #byRemote = new Map<string, string>();
  readonly #connecting = new Map<string, Promise<StreamConnection>>();

  private constructor(server: Server, point: ListeningPoint, opts: TcpTransportOptions) {
    this.#server = server;
    this.listeningPoint = point;
    this.#opts = opts;
  }

  static listen(opts: TcpTransportOptions): Promise<TcpTransport> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const onError = (err: Error): void => {
        reject(new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, `cannot listen on tcp ${opts.host}:${opts.port}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(opts.port, opts.host, () => {
        server.off('error', onError);
        const addr = server.address();
        if (addr === null || typeof addr === 'string') {
          reject(new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, 'tcp listener has no address'));
          return;
        }
        const t = new TcpTransport(server, { protocol: 'tcp', localAddress: addr.address, localPort: addr.port, externalAddress: opts.externalAddress }, opts);
        server.on('connection', (socket) => t.#adopt(socket, undefined));
        server.on('error', (err) => opts.log.warn({ err, transport: 'tcp' }, 'tcp listener error'));
        resolve(t);
      });
    });
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.#byId.size;
  }

  /** Connection ids currently open (for tests and diagnostics). */
  connectionIds(): string[] {
    return [...this.#byId.keys()];
  }

  owns(connectionId: string): boolean {
    return this.#byId.has(connectionId);
  }

  sendOnConnection(connectionId: string, data: Buffer): Promise<void> {
    const c = this.#byId.get(connectionId);
    if (c === undefined) return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `no connection ${connectionId}`));
    return c.write(data);
  }

  /** Sends over an open connection to host:port, or opens one (RFC 3261 §18.1.1, §18.2.2). */
  async sendTo(data: Buffer, host: string, port: number): Promise<void> {
    const conn = await this.connectionTo(host, port);
    await conn.write(data);
  }

  /** The open connection to host:port, or a new one. */
  connectionTo(host: string, port: number): Promise<StreamConnection> {
    const key = remoteKey(host, port);
    const id = this.#byRemote.get(key);
    const existing = id === undefined ? undefined : this.#byId.get(id);
    if (existing !== undefined && !existing.closed) return Promise.resolve(existing);
    const pending = this.#connecting.get(key);
    if (pending !== undefined) return pending;
    const p = new Promise<StreamConnection>((resolve, reject) => {
      const socket = connect({ host, port, family: isIPv6(host) ? 6 : 0 });
      const timeoutMs = this.#opts.connectTimeoutMs ?? 5_000;
      socket.setTimeout(timeoutMs);
      const fail = (err: Error): void => {
        socket.destroy();
        reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `tcp connect to ${host}:${port} failed`, { cause: err }));
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(new Error('connect timeout')));
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        resolve(this.#adopt(socket, key));
      });
    });
    this.#connecting.set(key, p);
    const clear = (): void => {
      this.#connecting.delete(key);
    };
    p.then(clear, clear);
    return p;
  }

  #adopt(socket: Socket, dialledKey: string | undefined): StreamConnection {
    const sink = this.#opts.sink;
    const conn = new StreamConnection(this.#opts.nextConnectionId(), 'tcp', socket, this.#opts.maxMessageBytes, {
      onFrame: (data, c) => sink.onFrame(data, c),
      onKeepalive: (c) => sink.onKeepalive(c),
      onClose: (c, err) => {
        this.#byId.delete(c.id);
        for (const [k, v] of this.#byRemote) if (v === c.id) this.#byRemote.delete(k);
        sink.onClose(c, err);
      },
    }, this.#opts.log);
    this.#byId.set(conn.id, conn);
    this.#byRemote.set(remoteKey(conn.remoteAddress, conn.remotePort), conn.id);
    if (dialledKey !== undefined) this.#byRemote.set(dialledKey, conn.id);
    return conn;
  }

  close(): Promise<void> {
    for (const c of this.#byId.values()) c.close();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function remoteKey(host: string, port: number): string {
  const h = host.startsWith('[') ? host.slice(1, -1) : host;
  return `${h.toLowerCase()}:${port}`;
}
