// RFC 3261 §18.3 framing on a connection, RFC 5626 §3.5.1 CRLF keep-alive answers.
// Shared by TCP now and by TLS/WS later: anything that is a net.Socket-like duplex stream.
import type { Socket } from 'node:net';
import type { Logger } from '#lib/log/index.js';
import { SipStreamFramer } from '#sip-server/message/index.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { SipTransportError } from './transport-error.js';
import type { TransportKind } from './types.js';

const CRLF = Buffer.from('\r\n');

/** Callbacks a connection reports to its transport. */
export type ConnectionSink = {
  onFrame(data: Buffer, connection: StreamConnection): void;
  onKeepalive(connection: StreamConnection): void;
  onClose(connection: StreamConnection, error: Error | undefined): void;
};

/** One framed SIP connection. */
export class StreamConnection {
  readonly id: string;
  readonly kind: TransportKind;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #socket: Socket;
  readonly #framer: SipStreamFramer;
  #closed = false;

  constructor(id: string, kind: TransportKind, socket: Socket, maxMessageBytes: number, sink: ConnectionSink, log: Logger) {
    this.id = id;
    this.kind = kind;
    this.#socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.#framer = new SipStreamFramer({ maxMessageBytes });
    socket.setNoDelay(true);
    let closeError: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      for (const ev of this.#framer.push(chunk)) {
        switch (ev.kind) {
          case 'message':
            sink.onFrame(ev.data, this);
            break;
          case 'keepalive':
            // RFC 5626 §3.5.1: answer a CRLFCRLF ping with a single CRLF pong.
            if (ev.ping) {
              socket.write(CRLF);
              sink.onKeepalive(this);
            }
            break;
          case 'error':
            log.warn({ connectionId: id, code: ev.error.code }, 'stream lost framing, closing connection');
            closeError = ev.error;
            socket.destroy();
            break;
        }
      }
    });
    socket.on('error', (err) => {
      closeError = err;
    });
    socket.on('close', () => {
      this.#closed = true;
      sink.onClose(this, closeError);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: Buffer): Promise<void> {
    if (this.#closed || this.#socket.destroyed) {
      return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `connection ${this.id} is closed`));
    }
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (err) => {
        if (err) reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `write on ${this.id} failed`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}
