// RFC 7118 §5: one SIP message per WebSocket message (text or binary); RFC 5626 §3.5.1 CRLF keep-alives
// as SIP.js and JsSIP send them over WebSocket; idle timeout.
import { isUtf8 } from 'node:buffer';
import type { WebSocket, RawData } from 'ws';
import { MAX_UNSENT_BYTES, type Connection, type ConnectionSettings, type ConnectionSink } from './connection.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { IdleTimer } from './idle-timer.js';
import { SipTransportError } from './transport-error.js';
import type { TransportKind } from './types.js';

/** Addresses of the TCP socket under the WebSocket. */
export type WsEndpoints = { remoteAddress: string; remotePort: number; localAddress: string; localPort: number };

/** One SIP-over-WebSocket connection (accepted or opened). */
export class WsConnection implements Connection {
  readonly id: string;
  readonly kind: TransportKind;
  // The WebSocket frames the message; a present Content-Length is still checked (datagram rules, RFC 3261 §18.3).
  readonly framing = 'datagram' as const;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly #ws: WebSocket;
  readonly #idle: IdleTimer;
  #closed = false;

  constructor(id: string, kind: 'ws' | 'wss', ws: WebSocket, at: WsEndpoints, settings: ConnectionSettings, sink: ConnectionSink) {
    this.id = id;
    this.kind = kind;
    this.#ws = ws;
    this.remoteAddress = at.remoteAddress;
    this.remotePort = at.remotePort;
    this.localAddress = at.localAddress;
    this.localPort = at.localPort;
    const log = settings.log;
    this.#idle = new IdleTimer(settings.clock, settings.idleTimeoutMs, () => {
      log.debug({ connectionId: id, transport: kind }, 'closing idle connection');
      sink.onIdle(this);
      ws.terminate();
    });
    let closeError: Error | undefined;
    ws.on('message', (raw: RawData) => {
      this.#idle.touch();
      const data = toBuffer(raw);
      if (isOnlyCrlf(data)) {
        // RFC 5626 §3.5.1 over WebSocket (SIP.js keepAliveInterval): CRLFCRLF ping → CRLF pong; a lone CRLF is a pong.
        if (data.length >= 4) {
          ws.send('\r\n');
          sink.onKeepalive(this);
        }
        return;
      }
      sink.onFrame(data, this);
    });
    ws.on('error', (err) => {
      closeError = err;
    });
    ws.on('close', () => {
      this.#closed = true;
      this.#idle.stop();
      sink.onClose(this, closeError);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(data: Buffer): Promise<void> {
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) {
      return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `connection ${this.id} is closed`));
    }
    if (this.#ws.bufferedAmount + data.length > MAX_UNSENT_BYTES) {
      // The peer stopped reading: close rather than buffer without bound.
      this.#ws.terminate();
      return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `connection ${this.id} closed: peer is not reading`));
    }
    this.#idle.touch();
    return new Promise((resolve, reject) => {
      // RFC 7118 §5: text frames for UTF-8 messages (what browsers expect), binary frames otherwise.
      this.#ws.send(data, { binary: !isUtf8(data) }, (err) => {
        if (err) reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `write on ${this.id} failed`, { cause: err }));
        else resolve();
      });
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}

function isOnlyCrlf(data: Buffer): boolean {
  if (data.length === 0) return false;
  for (const b of data) if (b !== 13 && b !== 10) return false;
  return true;
}
