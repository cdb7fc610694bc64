// RFC 3261 §12 (dialogs): §12.1.1 UAS side, §12.1.2 UAC side, §12.2.1 UAC in-dialog requests,
// §12.2.2 UAS in-dialog requests, §12.3 termination. RFC 3261 §13.2.2.4 / §13.3.1.4 (2xx and ACK).
// RFC 3262 §3/§4 (early dialogs from reliable 1xx), RFC 6665 §4.1.2.4 / §4.2.1 (SUBSCRIBE dialogs).
// States: early → confirmed → terminated; early → terminated.
import { AppError } from '#lib/errors/index.js';
import { DIALOG_ERROR_CODES } from './error-codes.js';
import type { UasReliableProvisionals } from './reliable-provisionals.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';
export type DialogRole = 'uac' | 'uas';
/**
 * What created the dialog: an INVITE (ended by BYE) or a SUBSCRIBE (RFC 6665: ended by a NOTIFY with
 * `Subscription-State: terminated`). A REFER's implicit subscription lives in the INVITE dialog.
 */
export type DialogUsage = 'invite' | 'subscribe';

const LEGAL: Record<DialogState, readonly DialogState[]> = {
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

/** Where in-dialog requests go and which transport the dialog runs on. */
export type DialogPeer = { protocol: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss'; address: string; port: number; connectionId?: string | undefined };

export type DialogOptions = {
  /** drachtio dialog id: `<Call-ID>;from-tag=<From tag of the creating request>` (protocol §4.2). */
  id: string;
  role: DialogRole;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Local party as a header value without tag (From for UAC, To for UAS). */
  localUri: string;
  /** Remote party as a header value without tag. */
  remoteUri: string;
  /** URI from the peer's Contact (§12.1.1 / §12.1.2). */
  remoteTarget: string;
  /** Route set: Record-Route values, reversed for the UAC (§12.1.2), as received for the UAS (§12.1.1). */
  routeSet: readonly string[];
  /** CSeq number of the creating request (our local sequence for the UAC, remote for the UAS). */
  localSeq: number | undefined;
  remoteSeq: number | undefined;
  /** Contact value we put in our messages. */
  localContact: string;
  /** Id of the app connection that owns the dialog (protocol §5.9). */
  ownerId: string;
  /** Where the dialog's requests go when there is no route set, and which transport to use. */
  peer: DialogPeer;
  /** Default `invite`. */
  usage?: DialogUsage;
};

/** An INVITE dialog between the server (acting for an app) and a network peer. */
export class Dialog {
  readonly id: string;
  readonly role: DialogRole;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  readonly localContact: string;
  readonly usage: DialogUsage;
  ownerId: string;
  remoteTarget: string;
  routeSet: readonly string[];
  peer: DialogPeer;
  /** UAS early dialog: the reliable 1xx machine of its INVITE (RFC 3262 §3). */
  reliableUas: UasReliableProvisionals | undefined;
  /** UAC early dialog: the RSeq of the last reliable 1xx passed to the app (RFC 3262 §4). */
  lastRemoteRSeq: number | undefined;
  /** UAS early dialog: an UPDATE is waiting for the app's answer (RFC 3311 §5.2: a second one gets 500). */
  updatePending = false;
  #localSeq: number | undefined;
  #remoteSeq: number | undefined;
  #state: DialogState = 'early';

  constructor(o: DialogOptions) {
    this.id = o.id;
    this.role = o.role;
    this.callId = o.callId;
    this.localTag = o.localTag;
    this.remoteTag = o.remoteTag;
    this.localUri = o.localUri;
    this.remoteUri = o.remoteUri;
    this.remoteTarget = o.remoteTarget;
    this.routeSet = o.routeSet;
    this.localContact = o.localContact;
    this.ownerId = o.ownerId;
    this.peer = o.peer;
    this.usage = o.usage ?? 'invite';
    this.reliableUas = undefined;
    this.lastRemoteRSeq = undefined;
    this.#localSeq = o.localSeq;
    this.#remoteSeq = o.remoteSeq;
  }

  get state(): DialogState {
    return this.#state;
  }

  get localSeq(): number | undefined {
    return this.#localSeq;
  }

  /** §12.1: a 2xx confirms an early dialog. */
  confirm(): void {
    if (this.#state === 'confirmed') return;
    this.#transition('confirmed');
    this.#endEarlyState();
  }

  /** §12.3: BYE (sent or received), non-2xx final for an early dialog, or server teardown. */
  terminate(): void {
    if (this.#state === 'terminated') return;
    this.#transition('terminated');
    this.#endEarlyState();
  }

  /** RFC 3262 §3: nothing is retransmitted once the INVITE has its final response. */
  #endEarlyState(): void {
    this.reliableUas?.stop();
    this.reliableUas = undefined;
    this.updatePending = false;
  }

  /** §12.2.1.1: each new in-dialog request (except ACK and CANCEL) takes the next local CSeq. */
  nextLocalSeq(): number {
    // A UAS dialog has no local sequence yet: start from a value below 2^31 (§8.1.1.5).
    this.#localSeq = this.#localSeq === undefined ? 1 : this.#localSeq + 1;
    return this.#localSeq;
  }

  /** Honours an app-supplied CSeq for an in-dialog request (digest retries keep it growing). */
  useLocalSeq(seq: number): void {
    if (this.#localSeq === undefined || seq > this.#localSeq) this.#localSeq = seq;
  }

  /**
   * §12.2.2: a request whose CSeq is lower than the remote sequence is out of order (500).
   * Returns false for such requests; otherwise records the new remote sequence.
   */
  acceptRemoteSeq(seq: number, method: string): boolean {
    // ACK and CANCEL reuse the INVITE's number (§13.2.2.4, §9.1).
    if (method === 'ACK' || method === 'CANCEL') return true;
    if (this.#remoteSeq !== undefined && seq <= this.#remoteSeq) return false;
    this.#remoteSeq = seq;
    return true;
  }

  /** §12.2: a target refresh request or its 2xx replaces the remote target. */
  refreshTarget(contactUri: string | undefined): void {
    if (contactUri !== undefined && contactUri !== '') this.remoteTarget = contactUri;
  }

  #transition(to: DialogState): void {
    if (!LEGAL[this.#state].includes(to)) {
      throw new AppError(DIALOG_ERROR_CODES.DIALOG_ILLEGAL_TRANSITION, `dialog ${this.#state} → ${to}`);
    }
    this.#state = to;
  }
}

/** drachtio's dialog id (protocol §4.2). */
export function makeDialogId(callId: string, fromTag: string): string {
  return `${callId};from-tag=${fromTag}`;
}
