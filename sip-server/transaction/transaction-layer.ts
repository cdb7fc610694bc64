// RFC 3261 §17 transaction layer: owns the four machines, matches messages to them (§17.1.3,
// §17.2.3), handles CANCEL (§9.2) and merged requests (§8.2.2.2), and calls the TU upward.
import type { Clock } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { createResponse, getCSeq, type SipMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import type { Destination, MessageSource, TransportKind, TransportUser } from '#sip-server/transport/index.js';
import { buildCancel } from './cancel.js';
import { SIP_TRANSACTION_ERROR_CODES as E } from './error-codes.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { clientTransactionKey, mergeKey, responseKey, serverTransactionKey } from './matching.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { DEFAULT_TIMER_CONFIG, type TimerConfig } from './timers.js';
import { TransactionError } from './transaction-error.js';
import type { ClientMachineEvents, MachineDeps, ServerMachineEvents } from './types.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

/** What the transaction layer needs from the transport layer (TransportLayer satisfies it). */
export type TransactionTransport = {
  send(message: SipMessage | Buffer, dest: Destination): Promise<void>;
  sendResponse(response: SipResponse, source?: MessageSource): Promise<void>;
  viaSentBy(kind: TransportKind, host?: string): { host: string; port: number } | undefined;
};

/** The TU above the transaction layer (the UA core implements it). */
export interface TransactionUser {
  /** A new request (not ACK, not a retransmission, not CANCEL). INVITEs already got 100 Trying. */
  onRequest(txn: ServerTransaction, request: SipRequest, source: MessageSource): void;
  /** An ACK that matched no transaction (ACK for a 2xx, §13.3.1.4), or one absorbed by an Accepted IST (RFC 6026). */
  onAck(ack: SipRequest, source: MessageSource): void;
  /** A CANCEL matched an INVITE server transaction still in Proceeding; the layer already answered it 200 (§9.2). Send the 487 via `invite.respond`. */
  onCancel(invite: InviteServerTransaction, cancel: SipRequest, source: MessageSource): void;
  /** A 2xx to INVITE that matched no client transaction (its ICT is gone: the TU re-ACKs, RFC 6026 §8.4). */
  onStrayResponse(response: SipResponse, source: MessageSource): void;
  /** Timer H fired: no ACK for our final response (§17.2.1). */
  onServerTimeout?(txn: InviteServerTransaction): void;
  /** Sending a response failed (§17.2.4). */
  onServerTransportError?(txn: ServerTransaction, error: TransactionError): void;
  /** A transaction reached Terminated and left the table. */
  onTransactionTerminated?(txn: ServerTransaction | ClientTransaction): void;
  onConnectionClosed?(connectionId: string): void;
}

/** Receives the outcome of one client transaction. */
export interface ClientTransactionUser {
  /** `source` is where the response came from (undefined only for responses injected without one). */
  onResponse(response: SipResponse, txn: ClientTransaction, source: MessageSource | undefined): void;
  /** Timer B or F fired (error code TXN_TIMEOUT); behave as if a 408 was received (§8.1.3.1). */
  onTimeout(txn: ClientTransaction, error: TransactionError): void;
  /** The request could not be sent (TXN_TRANSPORT_ERROR); behave as if a 503 was received (§8.1.3.1). */
  onTransportError(txn: ClientTransaction, error: TransactionError): void;
}

/** Where a client transaction sends; `connectionId`, when set and open, is used first. */
export type ClientDestination = { transport: TransportKind; host: string; port: number; connectionId?: string };

export type TransactionLayerOptions = {
  transport: TransactionTransport;
  user: TransactionUser;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  timers?: Partial<TimerConfig>;
};

/** The transaction table and the glue between transport, machines and the TU. */
export class TransactionLayer implements TransportUser {
  readonly #transport: TransactionTransport;
  readonly #user: TransactionUser;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #log: Logger;
  readonly #timers: TimerConfig;
  readonly #servers = new Map<string, ServerTransaction>();
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #clientDest = new WeakMap<ClientTransaction, ClientDestination>();
  /** §8.2.2.2: merge key → server transaction key. */
  readonly #merge = new Map<string, string>();
  /** CANCELs waiting for the INVITE's first provisional response (§9.1). */
  readonly #pendingCancel = new Map<InviteClientTransaction, ClientTransactionUser | undefined>();

  constructor(opts: TransactionLayerOptions) {
    this.#transport = opts.transport;
    this.#user = opts.user;
    this.#clock = opts.clock;
    this.#ids = opts.ids;
    this.#log = opts.log;
    this.#timers = { ...DEFAULT_TIMER_CONFIG, ...opts.timers };
  }

  /** Number of live server and client transactions. */
  get size(): { server: number; client: number } {
    return { server: this.#servers.size, client: this.#clients.size };
  }

  // ---- TransportUser --------------------------------------------------------------------

  onRequest(request: SipRequest, source: MessageSource): void {
    const key = serverTransactionKey(request);
    if (key === undefined) return; // the parser guarantees Via and CSeq; nothing to match otherwise
    const existing = this.#servers.get(key);
    if (request.method === 'ACK') {
      if (existing !== undefined && existing.kind === 'ist') {
        existing.receiveAck(request);
        if (existing.state === 'confirmed' || existing.state === 'terminated') return;
        if (existing.state === 'accepted') return; // passed to the TU through onAck by the machine
      }
      this.#user.onAck(request, source);
      return;
    }
    if (existing !== undefined) {
      // §17.2.3: a retransmission goes to its transaction.
      existing.receiveRequest();
      return;
    }
    if (request.method === 'CANCEL') {
      this.#onCancel(request, key, source);
      return;
    }
    const mkey = mergeKey(request);
    const mergedWith = mkey === undefined ? undefined : this.#merge.get(mkey);
    const txn = this.#createServer(request, key, source, mkey);
    txn.start();
    if (mergedWith !== undefined && mergedWith !== key && this.#servers.has(mergedWith)) {
      // §8.2.2.2: same From tag, Call-ID and CSeq as a request in another transaction → 482.
      txn.respond(createResponse(request, 482));
      return;
    }
    this.#user.onRequest(txn, request, source);
  }

  onResponse(response: SipResponse, source: MessageSource): void {
    const key = responseKey(response);
    const txn = key === undefined ? undefined : this.#clients.get(key);
    if (txn !== undefined) {
      txn.receiveResponse(response, source);
      return;
    }
    // RFC 6026 §8.4: a 2xx to INVITE with no transaction left goes to the TU; other strays are dropped (§17.1.3).
    if (response.status >= 200 && response.status < 300 && getCSeq(response)?.method === 'INVITE') {
      this.#user.onStrayResponse(response, source);
    } else if (this.#log.isLevelEnabled('debug')) {
      this.#log.debug({ status: response.status }, 'dropped response matching no transaction');
    }
  }

  onConnectionClosed(connectionId: string): void {
    this.#user.onConnectionClosed?.(connectionId);
  }

  // ---- API for the TU -------------------------------------------------------------------

  /**
   * Starts a client transaction (§17.1): adds our top Via (fresh branch, sent-by of the transport
   * for `dest`, `;rport`), sends, retransmits over UDP and reports to `user`.
   */
  sendRequest(request: SipRequest, dest: ClientDestination, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') throw new TransactionError(E.TXN_INVALID_RESPONSE, 'ACK is not sent in a transaction; use sendStateless');
    const sentBy = this.#transport.viaSentBy(dest.transport, dest.host);
    if (sentBy === undefined) throw new TransactionError(E.TXN_NO_TRANSPORT, `no ${dest.transport} transport to reach ${dest.host}`);
    const branch = this.#ids.branch();
    request.headers.prepend('Via', `SIP/2.0/${dest.transport.toUpperCase()} ${sentBy.host}:${sentBy.port};branch=${branch};rport`);
    return this.#startClient(request, branch, dest, user);
  }

  /**
   * Cancels a pending INVITE (§9.1): the CANCEL reuses the INVITE's top Via. Sent at once in
   * Proceeding; in Calling it waits for the first provisional response; after a final response
   * it is not sent (returns false).
   */
  sendCancel(invite: InviteClientTransaction, user?: ClientTransactionUser): boolean {
    if (invite.state === 'calling') {
      this.#pendingCancel.set(invite, user);
      return true;
    }
    if (invite.state !== 'proceeding') return false;
    this.#cancelNow(invite, user);
    return true;
  }

  /**
   * Sends outside any transaction: ACK for a 2xx (§13.2.2.4, gets a fresh Via unless `addVia` is
   * false) or a 2xx retransmission (§13.3.1.4). Rejects with the transport's error.
   */
  async sendStateless(message: SipMessage, dest: ClientDestination | Destination, options: { addVia?: boolean } = {}): Promise<void> {
    if (message.kind === 'request' && options.addVia !== false && 'transport' in dest) {
      const sentBy = this.#transport.viaSentBy(dest.transport, dest.host);
      if (sentBy === undefined) throw new TransactionError(E.TXN_NO_TRANSPORT, `no ${dest.transport} transport to reach ${dest.host}`);
      message.headers.prepend('Via', `SIP/2.0/${dest.transport.toUpperCase()} ${sentBy.host}:${sentBy.port};branch=${this.#ids.branch()};rport`);
    }
    await this.#transport.send(message, toDestination(dest));
  }

  /** The INVITE server transaction a CANCEL (or any request with the INVITE's branch) targets (§9.2). */
  findInviteServerTransaction(request: SipRequest): InviteServerTransaction | undefined {
    const key = serverTransactionKey(request, 'INVITE');
    const txn = key === undefined ? undefined : this.#servers.get(key);
    return txn?.kind === 'ist' ? txn : undefined;
  }

  /** Terminates every transaction (shutdown). */
  close(): void {
    for (const t of [...this.#servers.values()]) t.terminate();
    for (const t of [...this.#clients.values()]) t.terminate();
  }

  // ---- internals ------------------------------------------------------------------------

  #onCancel(cancel: SipRequest, key: string, source: MessageSource): void {
    const nist = this.#createServer(cancel, key, source, undefined) as NonInviteServerTransaction;
    const invite = this.findInviteServerTransaction(cancel);
    if (invite === undefined) {
      // §9.2: no matching transaction → 481.
      nist.respond(createResponse(cancel, 481));
      return;
    }
    // §9.2: answer the CANCEL 200; the TU then answers the INVITE with 487 if it is still pending.
    nist.respond(createResponse(cancel, 200));
    if (invite.state === 'proceeding') this.#user.onCancel(invite, cancel, source);
  }

  #cancelNow(invite: InviteClientTransaction, user: ClientTransactionUser | undefined): void {
    const dest = this.#clientDest.get(invite);
    if (dest === undefined) return;
    const cancel = buildCancel(invite.request);
    this.#startClient(cancel, invite.branch, dest, user ?? NO_CLIENT_USER);
  }

  #startClient(request: SipRequest, branch: string, dest: ClientDestination, user: ClientTransactionUser): ClientTransaction {
    const id = clientTransactionKey(branch, request.method);
    // The machine is built after its callbacks; they reach it through this holder.
    const ref: { txn: ClientTransaction | undefined } = { txn: undefined };
    const deps = this.#deps(request, id, branch, dest.transport !== 'udp', (m) => {
      this.#sendClient(m, dest).catch((err: unknown) => ref.txn?.transportError(asTxnError(err)));
    });
    const events: ClientMachineEvents = {
      onResponse: (r, from) => {
        const txn = ref.txn;
        if (txn === undefined) return;
        if (txn.kind === 'ict' && r.status < 200 && this.#pendingCancel.has(txn)) {
          const cancelUser = this.#pendingCancel.get(txn);
          this.#pendingCancel.delete(txn);
          user.onResponse(r, txn, from);
          this.#cancelNow(txn, cancelUser);
          return;
        }
        user.onResponse(r, txn, from);
      },
      onTimeout: (timer) => {
        const txn = ref.txn;
        if (txn !== undefined) user.onTimeout(txn, new TransactionError(E.TXN_TIMEOUT, `Timer ${timer} fired`, { sipStatus: 408 }));
      },
      onTransportError: (err) => {
        const txn = ref.txn;
        if (txn !== undefined) user.onTransportError(txn, new TransactionError(E.TXN_TRANSPORT_ERROR, err.message, { cause: err, sipStatus: 503 }));
      },
      onTerminated: () => {
        const txn = ref.txn;
        if (txn === undefined) return;
        this.#clients.delete(id);
        if (txn.kind === 'ict') this.#pendingCancel.delete(txn);
        this.#user.onTransactionTerminated?.(txn);
      },
    };
    const txn: ClientTransaction = request.method === 'INVITE' ? new InviteClientTransaction(deps, events) : new NonInviteClientTransaction(deps, events);
    ref.txn = txn;
    this.#clients.set(id, txn);
    this.#clientDest.set(txn, dest);
    txn.start();
    return txn;
  }

  async #sendClient(message: SipMessage, dest: ClientDestination): Promise<void> {
    if (dest.connectionId !== undefined) {
      try {
        await this.#transport.send(message, { connectionId: dest.connectionId });
        return;
      } catch (err) {
        // The connection is gone: fall back to the address (RFC 3261 §18.1.1 opens a new one).
        this.#log.debug({ err, connectionId: dest.connectionId }, 'connection unusable, sending to address');
      }
    }
    await this.#transport.send(message, { transport: dest.transport, host: dest.host, port: dest.port });
  }

  #createServer(request: SipRequest, key: string, source: MessageSource, mkey: string | undefined): ServerTransaction {
    // The machine is built after its callbacks; they reach it through this holder.
    const ref: { txn: ServerTransaction | undefined } = { txn: undefined };
    const branch = key.slice(0, key.indexOf('|'));
    const deps = this.#deps(request, key, branch, source.protocol !== 'udp', (m) => {
      if (m.kind !== 'response') return;
      this.#transport.sendResponse(m, source).catch((err: unknown) => ref.txn?.transportError(asTxnError(err)));
    });
    const events: ServerMachineEvents = {
      onAck: (ack) => this.#user.onAck(ack, source),
      onTimeout: () => {
        const txn = ref.txn;
        if (txn?.kind === 'ist') this.#user.onServerTimeout?.(txn);
      },
      onTransportError: (err) => {
        const txn = ref.txn;
        if (txn !== undefined) this.#user.onServerTransportError?.(txn, new TransactionError(E.TXN_TRANSPORT_ERROR, err.message, { cause: err }));
      },
      onTerminated: () => {
        const txn = ref.txn;
        if (txn === undefined) return;
        this.#servers.delete(key);
        if (mkey !== undefined && this.#merge.get(mkey) === key) this.#merge.delete(mkey);
        this.#user.onTransactionTerminated?.(txn);
      },
    };
    const txn: ServerTransaction = request.method === 'INVITE' ? new InviteServerTransaction(deps, events) : new NonInviteServerTransaction(deps, events);
    ref.txn = txn;
    this.#servers.set(key, txn);
    if (mkey !== undefined && !this.#merge.has(mkey)) this.#merge.set(mkey, key);
    return txn;
  }

  #deps(request: SipRequest, id: string, branch: string, reliable: boolean, send: (m: SipMessage) => void): MachineDeps {
    return {
      request,
      id,
      branch,
      reliable,
      timers: this.#timers,
      clock: this.#clock,
      log: this.#log.isLevelEnabled('debug') ? this.#log.child({ branch, method: request.method }) : this.#log,
      send,
    };
  }
}

const NO_CLIENT_USER: ClientTransactionUser = {
  onResponse: () => undefined,
  onTimeout: () => undefined,
  onTransportError: () => undefined,
};

function toDestination(dest: ClientDestination | Destination): Destination {
  if ('transport' in dest) {
    const connectionId = 'connectionId' in dest ? dest.connectionId : undefined;
    return connectionId !== undefined ? { connectionId } : { transport: dest.transport, host: dest.host, port: dest.port };
  }
  return dest;
}

function asTxnError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
