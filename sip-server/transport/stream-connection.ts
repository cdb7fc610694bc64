// RFC 3261 §18.3 framing on a TCP or TLS connection, RFC 5626 §3.5.1 CRLF keep-alive answers, idle timeout.
import type { Socket } from 'node:net';
import { corkForThisTurn } from '#lib/net/index.js';
import { SipStreamFramer } from '#sip-server/message/index.js';
import { MAX_UNSENT_BYTES, type Connection, type ConnectionSettings, type ConnectionSink } from './connection.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { IdleTimer } from './idle-timer.js';
import { SipTransportError } from './transport-error.js';
import type { TransportKind } from './types.js';

const CRLF = Buffer.from('\r\n');

/**
 * Closes the socket after handing this turn's batch to it, so that what was written before a close
 * (responses to a source that is now banned, to the messages before a framing error) still leaves,
 * as it did before writes were batched.
 */
function flushAndDestroy(socket: Socket): void {
  if (socket.writableCorked > 0) socket.uncork();
  socket.destroy();
}

/** One framed SIP connection over a net.Socket (a tls.TLSSocket is one too). */
export class StreamConnection implements Connection {
  readonly id: string;
  readonly kind: TransportKind;
  readonly framing = 'stream' as const;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #socket: Socket;
  readonly #framer: SipStreamFramer;
  readonly #idle: IdleTimer;
  #closed = false;

  constructor(id: string, kind: TransportKind, socket: Socket, settings: ConnectionSettings, sink: ConnectionSink) {
    this.id = id;
    this.kind = kind;
    this.#socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.#framer = new SipStreamFramer({ maxMessageBytes: settings.maxMessageBytes });
    const log = settings.log;
    this.#idle = new IdleTimer(settings.clock, settings.idleTimeoutMs, () => {
      // RFC 5626 §3.5.1 keeps flows alive with pings; a flow without any traffic is dropped.
      log.debug({ connectionId: id, transport: kind }, 'closing idle connection');
      sink.onIdle(this);
      flushAndDestroy(socket);
    });
    socket.setNoDelay(true);
    let closeError: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      this.#idle.touch();
      for (const ev of this.#framer.push(chunk)) {
        switch (ev.kind) {
          case 'message':
            sink.onFrame(ev.data, this);
            break;
          case 'keepalive':
            // RFC 5626 §3.5.1: answer a CRLFCRLF ping with a single CRLF pong.
            if (ev.ping) {
              if (socket.writableLength > MAX_UNSENT_BYTES) {
                socket.destroy(); // pings from a peer that never reads our pongs
                return;
              }
              corkForThisTurn(socket);
              socket.write(CRLF);
              sink.onKeepalive(this);
            }
            break;
          case 'error':
            log.debug({ connectionId: id, code: ev.error.code }, 'stream lost framing, closing connection');
            sink.onFramingError(this);
            closeError = ev.error;
            flushAndDestroy(socket);
            break;
        }
      }
    });
    socket.on('error', (err) => {
      closeError = err;
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#idle.stop();
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
    if (this.#socket.writableLength + data.length > MAX_UNSENT_BYTES) {
      // The peer stopped reading: close rather than buffer without bound.
      this.#socket.destroy();
      return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `connection ${this.id} closed: peer is not reading`));
    }
    this.#idle.touch();
    corkForThisTurn(this.#socket);
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (err) => {
        if (err) reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `write on ${this.id} failed`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): void {
    flushAndDestroy(this.#socket);
  }
}
