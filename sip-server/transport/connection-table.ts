// RFC 3261 §18.1.1 / §18.2.2 connection reuse: open connections by id and by remote address, shared by
// every connection-oriented transport (TCP, TLS, WS, WSS).
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { connectionInfo, type Connection, type ConnectionInfo } from './connection.js';
import { SipTransportError } from './transport-error.js';

/** Connections of one transport, indexed by id and by remote `host:port` (as dialled and as seen). */
export class ConnectionTable<C extends Connection> {
  readonly #byId = new Map<string, C>();
  readonly #byRemote = new Map<string, string>();
  /** id → its keys in #byRemote, so removing a connection does not scan the whole table. */
  readonly #keysById = new Map<string, string[]>();
  readonly #connecting = new Map<string, Promise<C>>();

  get size(): number {
    return this.#byId.size;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): C | undefined {
    return this.#byId.get(id);
  }

  infos(): ConnectionInfo[] {
    return [...this.#byId.values()].map(connectionInfo);
  }

  /** Registers a connection; `dialledKey` is the remoteKey it was opened for (may differ from the seen address). */
  add(conn: C, dialledKey?: string): void {
    this.#byId.set(conn.id, conn);
    const keys = [remoteKey(conn.remoteAddress, conn.remotePort)];
    if (dialledKey !== undefined && dialledKey !== keys[0]) keys.push(dialledKey);
    for (const k of keys) this.#byRemote.set(k, conn.id);
    this.#keysById.set(conn.id, keys);
  }

  remove(conn: C): void {
    this.#byId.delete(conn.id);
    // A newer connection may have taken over a key (same remote address): only drop keys still ours.
    for (const k of this.#keysById.get(conn.id) ?? []) if (this.#byRemote.get(k) === conn.id) this.#byRemote.delete(k);
    this.#keysById.delete(conn.id);
  }

  /** The open connection to host:port, else the result of `dial` (concurrent callers share one dial). */
  connectionTo(host: string, port: number, dial: (key: string) => Promise<C>): Promise<C> {
    const key = remoteKey(host, port);
    const id = this.#byRemote.get(key);
    const existing = id === undefined ? undefined : this.#byId.get(id);
    if (existing !== undefined && !existing.closed) return Promise.resolve(existing);
    const pending = this.#connecting.get(key);
    if (pending !== undefined) return pending;
    const p = dial(key);
    this.#connecting.set(key, p);
    const clear = (): void => {
      this.#connecting.delete(key);
    };
    p.then(clear, clear);
    return p;
  }

  send(connectionId: string, data: Buffer): Promise<void> {
    const c = this.#byId.get(connectionId);
    if (c === undefined) return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `no connection ${connectionId}`));
    return c.write(data);
  }

  closeAll(): void {
    for (const c of this.#byId.values()) c.close();
  }
}

/** `host:port` key (brackets stripped, lower-case). */
export function remoteKey(host: string, port: number): string {
  const h = host.startsWith('[') ? host.slice(1, -1) : host;
  return `${h.toLowerCase()}:${port}`;
}
