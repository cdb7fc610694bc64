// One app connection on the drachtio admin port (/work/shared/drachtio-protocol.md §1.1, §3.2–§3.4, §3.9).
// States: awaiting-auth → ready → closed; awaiting-auth → closed.
import { timingSafeEqual } from 'node:crypto';
import { assertNever } from '#lib/errors/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { decodeAppMessage, encodeServerFrame, encodeServerMessage, type AppMessage, type ServerMessage } from './codec.js';
import { WIRE_ERROR_CODES } from './error-codes.js';
import { FrameDecoder } from './framing.js';
import { WireProtocolError } from './wire-error.js';

export type ConnectionState = 'awaiting-auth' | 'ready' | 'closed';

const LEGAL: Record<ConnectionState, readonly ConnectionState[]> = {
  'awaiting-auth': ['ready', 'closed'],
  ready: ['closed'],
  closed: [],
};

/** The byte pipe under a connection (a net.Socket in production). */
export interface WireSocket {
  write(data: Buffer): unknown;
  end(): unknown;
  /** Optional batching (net.Socket has both): frames written in one tick leave in one syscall. */
  cork?(): void;
  uncork?(): void;
}

/** SIP-level commands (`sip`, `proxy`) go up to the UA core through this interface. */
export interface WireUser {
  onAppSip(conn: AppConnection, message: Extract<AppMessage, { kind: 'sip' }>): void;
  onAppProxy(conn: AppConnection, message: Extract<AppMessage, { kind: 'proxy' }>): void;
  onConnectionClosed(conn: AppConnection): void;
}

/** What authentication replies with (§3.2). */
export type ServerIdentity = {
  secret: string;
  version: string;
  /** `udp/host:port,tcp/host:port` with external addresses. */
  hostports: () => string;
  /** Same with bound addresses. */
  localHostports: () => string;
};

/** Routing side effects of `route` / `remove_route`. */
export interface RouteRegistry {
  add(verb: string, conn: AppConnection): void;
  remove(verb: string, conn: AppConnection): void;
  removeConnection(conn: AppConnection): void;
}

export type AppConnectionOptions = {
  id: string;
  socket: WireSocket;
  remote: { address: string; port: number };
  identity: ServerIdentity;
  routes: RouteRegistry;
  user: WireUser;
  ids: IdSource;
  log: Logger;
};

/** A connected drachtio-srf app. */
export class AppConnection {
  readonly id: string;
  readonly remote: { address: string; port: number };
  #state: ConnectionState = 'awaiting-auth';
  #corked = false;
  #tags: readonly string[] = [];
  readonly #decoder = new FrameDecoder();
  readonly #o: AppConnectionOptions;
  readonly #log: Logger;

  constructor(options: AppConnectionOptions) {
    this.#o = options;
    this.id = options.id;
    this.remote = options.remote;
    this.#log = options.log.child({ appConn: options.id });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get open(): boolean {
    return this.#state === 'ready';
  }

  /** Tags announced in `authenticate` (used only by HTTP routing, which is not built yet). */
  get tags(): readonly string[] {
    return this.#tags;
  }

  /** Bytes from the socket. */
  onData(chunk: Buffer): void {
    const result = this.#decoder.push(chunk);
    for (const payload of result.frames) {
      if (this.#state === 'closed') return;
      this.#onFrame(payload);
    }
    if (!result.ok) {
      // §2.3: a bad length prefix ends the connection.
      this.#log.warn({ err: result.error }, 'bad frame from app, closing');
      this.close();
    }
  }

  /** Sends a server message; returns its msgId. No-op once closed. */
  send(message: ServerMessage): string {
    const msgId = this.#o.ids.uuid();
    if (this.#state === 'closed') return msgId;
    if (this.#log.isLevelEnabled('debug')) this.#log.debug({ payload: encodeServerMessage(msgId, message) }, 'wire send');
    const socket = this.#o.socket;
    if (!this.#corked && socket.cork && socket.uncork) {
      // Profiling bench:sip-cps showed one write syscall per frame as the top cost: batch the frames
      // produced in one event-loop turn (all datagrams of one poll phase) into one write.
      this.#corked = true;
      socket.cork();
      setImmediate(() => {
        this.#corked = false;
        socket.uncork?.();
      });
    }
    socket.write(encodeServerFrame(msgId, message));
    return msgId;
  }

  /** Closes the connection (idempotent). */
  close(): void {
    if (this.#state === 'closed') return;
    this.#transition('closed');
    this.#o.socket.end();
    this.#o.routes.removeConnection(this);
    this.#o.user.onConnectionClosed(this);
  }

  #transition(to: ConnectionState): void {
    const from = this.#state;
    if (!LEGAL[from].includes(to)) {
      throw new WireProtocolError(WIRE_ERROR_CODES.WIRE_ILLEGAL_TRANSITION, `connection ${from} → ${to}`);
    }
    this.#log.debug({ from, to }, 'app connection transition');
    this.#state = to;
  }

  #onFrame(payload: string): void {
    if (this.#log.isLevelEnabled('debug')) this.#log.debug({ payload }, 'wire recv');
    const decoded = decodeAppMessage(payload);
    if (!decoded.ok) {
      this.#log.warn({ err: decoded.error }, 'malformed app message');
      if (decoded.msgId) this.send({ kind: 'response-fail', inReplyTo: decoded.msgId, status: 'NO', reason: decoded.error.message });
      return;
    }
    const m = decoded.message;
    if (this.#state === 'awaiting-auth') {
      this.#onFrameUnauthenticated(m);
      return;
    }
    switch (m.kind) {
      case 'authenticate':
        // A repeated authenticate on a ready connection just gets the same answer.
        this.#answerAuthenticate(m);
        return;
      case 'route':
        this.#o.routes.add(m.verb, this);
        this.send({ kind: 'response-ok', inReplyTo: m.msgId, data: [] });
        return;
      case 'remove_route':
        this.#o.routes.remove(m.verb, this);
        this.send({ kind: 'response-ok', inReplyTo: m.msgId, data: [] });
        return;
      case 'ping':
        this.send({ kind: 'response-ok', inReplyTo: m.msgId, data: ['pong'] });
        return;
      case 'sip':
        this.#o.user.onAppSip(this, m);
        return;
      case 'proxy':
        this.#o.user.onAppProxy(this, m);
        return;
      case 'unknown':
        // §3.9: the C++ server answers and closes.
        this.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NO', reason: 'Unknown message type' });
        this.close();
        return;
      default:
        assertNever(m, 'app message');
    }
  }

  // §3.2 Recommendation (OPEN-9): only authenticate and ping before authentication.
  #onFrameUnauthenticated(m: AppMessage): void {
    if (m.kind === 'ping') {
      this.send({ kind: 'response-ok', inReplyTo: m.msgId, data: ['pong'] });
      return;
    }
    if (m.kind !== 'authenticate') {
      this.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NO', reason: 'not authenticated' });
      this.close();
      return;
    }
    if (!secretsEqual(m.secret, this.#o.identity.secret)) {
      this.#log.warn({ remote: this.remote }, 'app authentication failed');
      this.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NO', reason: 'incorrect secret' });
      this.close();
      return;
    }
    this.#tags = m.tags;
    this.#transition('ready');
    this.#log.info({ remote: this.remote, tags: m.tags }, 'app connected');
    this.#answerAuthenticate(m);
  }

  #answerAuthenticate(m: Extract<AppMessage, { kind: 'authenticate' }>): void {
    const id = this.#o.identity;
    this.send({ kind: 'response-ok', inReplyTo: m.msgId, data: [id.hostports(), id.version, id.localHostports()] });
  }
}

function secretsEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
