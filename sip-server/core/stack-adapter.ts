// SipStackPort over the real transport and transaction layers, and their TransactionUser → StackUser.
import type { Logger } from '#lib/log/index.js';
import type { SipMessage, SipRequest, SipResponse } from '#sip-server/message/index.js';
import type { ClientDestination, ClientTransactionUser, ServerTransaction, TransactionLayer, TransactionUser } from '#sip-server/transaction/index.js';
import type { MessageSource, TransportLayer } from '#sip-server/transport/index.js';
import type { ClientTxn, ClientTxnUser, Endpoint, ListeningTransport, ReceivedFrom, ServerTxn, SipStackPort, StackUser } from './stack-port.js';

function toFrom(s: MessageSource): ReceivedFrom {
  return { protocol: s.protocol, remoteAddress: s.remoteAddress, remotePort: s.remotePort, localAddress: s.localAddress, localPort: s.localPort, connectionId: s.connectionId };
}

function toDestination(e: Endpoint): ClientDestination {
  return e.connectionId === undefined ? { transport: e.protocol, host: e.address, port: e.port } : { transport: e.protocol, host: e.address, port: e.port, connectionId: e.connectionId };
}

/** Glue between the core and the stack engineer's layers; built before both, then `attach`ed. */
export class StackAdapter implements SipStackPort, TransactionUser {
  readonly #transport: TransportLayer;
  readonly #log: Logger;
  #layer: TransactionLayer | undefined;
  #user: StackUser | undefined;
  /** One ServerTxn view per server transaction, so the core can key state by it. */
  readonly #views = new WeakMap<ServerTransaction, ServerTxn>();

  constructor(transport: TransportLayer, log: Logger) {
    this.#transport = transport;
    this.#log = log;
  }

  attach(layer: TransactionLayer, user: StackUser): void {
    this.#layer = layer;
    this.#user = user;
  }

  get #l(): TransactionLayer {
    if (!this.#layer) throw new Error('StackAdapter used before attach()');
    return this.#layer;
  }

  // ---- SipStackPort ----

  transports(): readonly ListeningTransport[] {
    return this.#transport.listening();
  }

  sendRequest(request: SipRequest, destination: Endpoint, user: ClientTxnUser): ClientTxn {
    const from: ReceivedFrom = { protocol: destination.protocol, remoteAddress: destination.address, remotePort: destination.port, localAddress: '', localPort: 0 };
    const txn = this.#l.sendRequest(request, toDestination(destination), this.#clientUser(user, from));
    return {
      request: txn.request,
      cancel: (_cancel, cancelUser) => {
        // The transaction layer builds the CANCEL from the INVITE (RFC 3261 §9.1) and sends it
        // when the INVITE is in Proceeding (or after its first provisional response).
        if (txn.kind === 'ict') this.#l.sendCancel(txn, this.#clientUser(cancelUser, from));
      },
    };
  }

  sendStateless(message: SipMessage, destination: Endpoint, options: { addVia?: boolean } = {}): void {
    // A request that already carries our Via is a retransmission (ACK re-sent for a 2xx).
    const addVia = message.kind === 'request' && (options.addVia ?? !message.headers.has('via'));
    this.#l.sendStateless(message, toDestination(destination), { addVia }).catch((err: unknown) => {
      this.#log.warn({ err, address: destination.address, port: destination.port }, 'stateless send failed');
    });
  }

  #clientUser(user: ClientTxnUser, from: ReceivedFrom): ClientTransactionUser {
    return {
      // The responder's address when the layer knows it (drachtio reports it), else the destination.
      onResponse: (response, _txn, source?: MessageSource) => user.onResponse(response, source === undefined ? from : toFrom(source)),
      onTimeout: () => user.onFailure('timeout'),
      onTransportError: (_txn, err) => {
        this.#log.warn({ err, address: from.remoteAddress, port: from.remotePort, protocol: from.protocol }, 'request could not be sent');
        user.onFailure('transport');
      },
    };
  }

  #view(txn: ServerTransaction, source: MessageSource): ServerTxn {
    let v = this.#views.get(txn);
    if (!v) {
      v = { request: txn.request, source: toFrom(source), respond: (r: SipResponse) => txn.respond(r) };
      this.#views.set(txn, v);
    }
    return v;
  }

  // ---- TransactionUser ----

  onRequest(txn: ServerTransaction, _request: SipRequest, source: MessageSource): void {
    this.#user?.onRequest(this.#view(txn, source));
  }

  onAck(ack: SipRequest, source: MessageSource): void {
    this.#user?.onAck(ack, toFrom(source));
  }

  onCancel(invite: ServerTransaction, cancel: SipRequest, source: MessageSource): void {
    this.#user?.onCancel(this.#view(invite, source), cancel, toFrom(source));
  }

  onStrayResponse(response: SipResponse, source: MessageSource): void {
    this.#user?.onStrayResponse(response, toFrom(source));
  }
}
