// In-memory TransactionTransport for unit tests of the transaction layer (no sockets).
import { parseMessage, serializeMessage, type SipMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import type { Destination, MessageSource, TransportKind } from '#sip-server/transport/index.js';
import type { TransactionTransport } from './transaction-layer.js';

export type SentItem = { message: SipMessage; dest: Destination | MessageSource | undefined };

/** Records what would have been sent; `failSends` makes every send reject. Used by unit tests only. */
export class FakeTransport implements TransactionTransport {
  readonly sent: SentItem[] = [];
  failSends = false;

  send(message: SipMessage | Buffer, dest: Destination): Promise<void> {
    if (this.failSends) return Promise.reject(new Error('send failed'));
    this.sent.push({ message: Buffer.isBuffer(message) ? reparse(message) : message, dest });
    return Promise.resolve();
  }

  sendResponse(response: SipResponse, source?: MessageSource): Promise<void> {
    if (this.failSends) return Promise.reject(new Error('send failed'));
    this.sent.push({ message: response, dest: source });
    return Promise.resolve();
  }

  viaSentBy(_kind: TransportKind): { host: string; port: number } {
    return { host: '127.0.0.1', port: 5060 };
  }

  /** Sent requests with method `m`. */
  requests(method?: string): SipRequest[] {
    return this.sent.map((s) => s.message).filter((m): m is SipRequest => m.kind === 'request' && (method === undefined || m.method === method));
  }

  /** Sent responses with status `s`. */
  responses(status?: number): SipResponse[] {
    return this.sent.map((s) => s.message).filter((m): m is SipResponse => m.kind === 'response' && (status === undefined || m.status === status));
  }
}

function reparse(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

/** Parses SIP text (LF line ends are turned into CRLF) into a message; throws on bad input. */
export function sip(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n')));
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.reason}`);
  return r.message;
}

/** Round-trips a message through bytes, as the wire would. */
export function wire<T extends SipMessage>(m: T): T {
  return reparse(serializeMessage(m)) as T;
}
