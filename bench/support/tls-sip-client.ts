// A minimal SIP UAC over one TLS connection for benchmarks (sipp here has no TLS): sends requests
// as text, frames the byte stream with SipStreamFramer (RFC 3261 §18.3) and matches each final
// response to its request by the top Via branch (§17.1.3). Provisional responses are skipped;
// requests from the server are ignored (the benches never receive any).
import { connect, type TLSSocket } from 'node:tls';
import { getTopVia, parseMessage, SipStreamFramer, type SipResponse } from '#sip-server/message/index.js';

const RESPONSE_TIMEOUT_MS = 10_000;

type Pending = { resolve(r: SipResponse): void; reject(err: Error): void; timer: NodeJS.Timeout };

export class TlsSipClient {
  readonly #socket: TLSSocket;
  readonly #framer = new SipStreamFramer();
  readonly #pending = new Map<string, Pending>();
  #seq = 0;

  private constructor(socket: TLSSocket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: Error) => this.#failAll(err));
    socket.on('close', () => this.#failAll(new Error('TLS connection closed')));
  }

  /** Opens a TLS connection to 127.0.0.1:`port`, trusting `ca` (our self-signed certificate). */
  static open(port: number, ca: string): Promise<TlsSipClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, ca });
      s.once('secureConnect', () => {
        s.off('error', reject);
        resolve(new TlsSipClient(s));
      });
      s.once('error', reject);
    });
  }

  /** Local port of the connection (for Via sent-by and Contact). */
  get localPort(): number {
    return this.#socket.localPort ?? 0;
  }

  /** A fresh branch (RFC 3261 §8.1.1.7 magic cookie) unique on this connection. */
  branch(): string {
    return `z9hG4bKtls${this.localPort}x${++this.#seq}`;
  }

  /** Sends `text` (a request whose top Via carries `branch`) and resolves with the final response. */
  request(text: string, branch: string): Promise<SipResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(branch);
        reject(new Error(`no final response for ${branch}`));
      }, RESPONSE_TIMEOUT_MS);
      this.#pending.set(branch, { resolve, reject, timer });
      this.#socket.write(text);
    });
  }

  /** Sends without waiting for anything (ACK for a 2xx, RFC 3261 §13.2.2.4). */
  send(text: string): void {
    this.#socket.write(text);
  }

  close(): void {
    this.#socket.end();
  }

  #onData(chunk: Buffer): void {
    for (const e of this.#framer.push(chunk)) {
      if (e.kind !== 'message') continue;
      const r = parseMessage(e.data, { framing: 'stream' });
      if (!r.ok || r.message.kind !== 'response' || r.message.status < 200) continue;
      const branch = getTopVia(r.message)?.branch;
      const p = branch === undefined ? undefined : this.#pending.get(branch);
      if (p === undefined || branch === undefined) continue;
      clearTimeout(p.timer);
      this.#pending.delete(branch);
      p.resolve(r.message);
    }
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
  }
}
