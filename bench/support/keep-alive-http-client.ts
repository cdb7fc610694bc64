// A lean HTTP/1.1 keep-alive client for load generators: a fixed pool of sockets, one request in
// flight per socket (RFC 9112 §9.3 persistent connections, no pipelining), requests queued when every
// socket is busy. Responses must carry Content-Length (RFC 9112 §6.3): what our services send.
// It exists so that a benchmark's own client costs little CPU next to the process it measures
// (node:http's client allocates an agent request, an IncomingMessage and several streams per call).
import { connect, type Socket } from 'node:net';

export type KeepAliveResponse = { status: number; body: string };

type Pending = { head: Buffer; body: Buffer; resolve: (r: KeepAliveResponse) => void; reject: (e: Error) => void };

class Connection {
  readonly socket: Socket;
  current: Pending | undefined;
  #buf: Buffer = Buffer.alloc(0);
  readonly #onIdle: (c: Connection) => void;

  constructor(host: string, port: number, onIdle: (c: Connection) => void, onClose: (c: Connection) => void) {
    this.#onIdle = onIdle;
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.socket.on('error', (err) => this.current?.reject(err));
    this.socket.on('close', () => {
      this.current?.reject(new Error('connection closed'));
      this.current = undefined;
      onClose(this);
    });
  }

  send(p: Pending): void {
    this.current = p;
    this.socket.write(Buffer.concat([p.head, p.body]));
  }

  #onData(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const end = this.#buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.#buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = m ? Number(m[1]) : 0;
    if (this.#buf.length < end + 4 + length) return;
    const body = this.#buf.toString('utf8', end + 4, end + 4 + length);
    this.#buf = this.#buf.subarray(end + 4 + length);
    const done = this.current;
    this.current = undefined;
    done?.resolve({ status, body });
    this.#onIdle(this);
  }
}

export class KeepAliveHttpClient {
  readonly #host: string;
  readonly #port: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #queue: Pending[] = [];
  readonly #maxSockets: number;

  constructor(options: { host: string; port: number; maxSockets: number }) {
    this.#host = options.host;
    this.#port = options.port;
    this.#maxSockets = options.maxSockets;
  }

  /** POSTs a JSON body; resolves with the status and body text. */
  post(path: string, json: string): Promise<KeepAliveResponse> {
    const body = Buffer.from(json, 'utf8');
    const head = Buffer.from(`POST ${path} HTTP/1.1\r\nhost: ${this.#host}:${String(this.#port)}\r\ncontent-type: application/json\r\ncontent-length: ${String(body.length)}\r\n\r\n`, 'latin1');
    return new Promise((resolve, reject) => {
      const p: Pending = { head, body, resolve, reject };
      const c = this.#idle.pop() ?? this.#open();
      if (c) c.send(p);
      else this.#queue.push(p);
    });
  }

  #open(): Connection | undefined {
    if (this.#all.size >= this.#maxSockets) return undefined;
    const c = new Connection(
      this.#host,
      this.#port,
      (idle) => {
        const next = this.#queue.shift();
        if (next) idle.send(next);
        else this.#idle.push(idle);
      },
      (closed) => {
        this.#all.delete(closed);
        const i = this.#idle.indexOf(closed);
        if (i >= 0) this.#idle.splice(i, 1);
      },
    );
    this.#all.add(c);
    return c;
  }

  close(): void {
    for (const c of this.#all) c.socket.destroy();
  }
}
