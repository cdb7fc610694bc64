// TCP listener for drachtio-srf apps in inbound mode (/work/shared/drachtio-protocol.md §1.1).
// TLS on the admin port and outbound mode (server dials the app) are later work (issue 8):
// both would create AppConnection objects over another WireSocket.
import { createServer, type Server, type Socket } from 'node:net';
import { SystemClock, type Clock } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { AppConnection, type ServerIdentity, type WireUser } from './connection.js';
import { RouteTable } from './route-table.js';

export type AdminServerOptions = {
  host: string;
  /** 0 picks a free port; read it back from `port`. */
  port: number;
  identity: ServerIdentity;
  user: WireUser;
  /** Route table shared with the UA core (created here when omitted). */
  routes?: RouteTable<AppConnection>;
  ids: IdSource;
  log: Logger;
  /**
   * A connection that has not authenticated this long after connecting is closed (default 10 s):
   * srf authenticates at once, so only strangers and stuck peers hit it. 0 disables.
   */
  authTimeoutMs?: number;
  /** Admin connections open at once, at most (default 256; 0 = no cap); more are closed at accept. */
  maxConnections?: number;
  clock?: Clock;
};

/** Default time allowed between connect and a successful `authenticate`. */
export const DEFAULT_AUTH_TIMEOUT_MS = 10_000;
/** Default cap on admin connections open at once. */
export const DEFAULT_MAX_ADMIN_CONNECTIONS = 256;

/** The admin listener plus the route table of its connections. */
export class AdminServer {
  readonly routes: RouteTable<AppConnection>;
  readonly connections = new Set<AppConnection>();
  readonly #server: Server;
  readonly #o: AdminServerOptions;
  readonly #sockets = new Set<Socket>();
  readonly #clock: Clock;
  #port = 0;
  #seq = 0;

  private constructor(options: AdminServerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? new SystemClock();
    this.routes = options.routes ?? new RouteTable<AppConnection>();
    this.#server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
  }

  /** Starts listening; resolves once bound. */
  static async listen(options: AdminServerOptions): Promise<AdminServer> {
    const s = new AdminServer(options);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(options.port, options.host, () => {
        s.#server.off('error', reject);
        resolve();
      });
    });
    const addr = s.#server.address();
    s.#port = typeof addr === 'object' && addr ? addr.port : options.port;
    s.#server.on('error', (err) => options.log.error({ err }, 'admin listener error'));
    return s;
  }

  get port(): number {
    return this.#port;
  }

  /** Stops accepting and closes every app connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const c of [...this.connections]) c.close();
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  #accept(socket: Socket): void {
    const max = this.#o.maxConnections ?? DEFAULT_MAX_ADMIN_CONNECTIONS;
    if (max > 0 && this.#sockets.size >= max) {
      this.#o.log.warn({ remoteAddress: socket.remoteAddress, max }, 'too many admin connections, closing the new one');
      socket.destroy();
      return;
    }
    socket.setKeepAlive(true, 45_000);
    this.#sockets.add(socket);
    const id = `app-${++this.#seq}`;
    const conn = new AppConnection({
      id,
      socket,
      remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      identity: this.#o.identity,
      routes: this.routes,
      user: this.#o.user,
      ids: this.#o.ids,
      log: this.#o.log,
    });
    this.connections.add(conn);
    const clock = this.#clock;
    const authTimeoutMs = this.#o.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
    const authTimer =
      authTimeoutMs > 0
        ? clock.setTimer(authTimeoutMs, () => {
            if (conn.state !== 'awaiting-auth') return;
            this.#o.log.warn({ appConn: id, remoteAddress: socket.remoteAddress }, 'admin connection did not authenticate in time, closing');
            conn.close();
            socket.destroy();
          })
        : undefined;
    socket.on('data', (chunk: Buffer) => {
      try {
        conn.onData(chunk);
      } catch (err) {
        // Ends this connection (one unit of work); the server keeps running.
        this.#o.log.error({ err, appConn: id }, 'app connection failed');
        conn.close();
      }
    });
    socket.on('error', (err) => this.#o.log.debug({ err, appConn: id }, 'app socket error'));
    socket.on('close', () => {
      clock.clearTimer(authTimer);
      this.#sockets.delete(socket);
      this.connections.delete(conn);
      conn.close();
    });
  }
}
