// An answered call: two dialogs bridged through one rtpengine session. Owns what must be undone on
// every end path (closures, see docs/closures.md): both dialogs, the media session, the limit
// slots, and the one CDR report.
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { LegProfile, MediaSession } from '#media/index.js';
import type { SwitchMetrics } from '../metrics.js';
import type { CallRecording } from '../recording/call-recording.js';
import type { SrfDialog, SrfRequest, SrfResponse } from '../srf/srf-view.js';
import type { CallRecord } from './call-record.js';
import type { RatingPort } from './rating-port.js';
import { continueOrigin } from './sdp-origin.js';

export type EndCause = 'caller_hangup' | 'callee_hangup' | 'balance_exhausted' | 'max_duration' | 'shutdown';

/** Q.850 causes carried in the Reason header of BYEs the switch sends itself (RFC 3326). */
const REASON_HEADER: Record<Exclude<EndCause, 'caller_hangup' | 'callee_hangup'>, string> = {
  balance_exhausted: 'Q.850;cause=16;text="Balance exhausted"',
  max_duration: 'Q.850;cause=16;text="Maximum call duration reached"',
  shutdown: 'Q.850;cause=41;text="Switch shutting down"',
};

/** The two sides of a bridged call: A is the caller's leg (the UAS dialog), B the callee's. */
export type CallSide = 'a' | 'b';

/** One leg: its dialog, its tag as rtpengine knows it, and how media is presented toward it. */
export type CallLeg = { dialog: SrfDialog; tag: string; profile: LegProfile };

/** Decides a REFER received on `side`'s dialog (switch/call/transfer); absent: REFER is refused. */
export type ReferHandler = (call: BridgedCall, side: CallSide, req: SrfRequest, res: SrfResponse) => void;

export type BridgedCallOptions = {
  record: CallRecord;
  uas: SrfDialog;
  uac: SrfDialog;
  media: MediaSession;
  /** Profiles of the caller (A) and callee (B) legs, and their dialog tags as rtpengine knows them. */
  aProfile: LegProfile;
  bProfile: LegProfile;
  aTag: string;
  bTag: string;
  rating: RatingPort;
  clock: Clock;
  log: Logger;
  metrics: SwitchMetrics;
  /** The call's recording, which the client may start or stop while the call runs. */
  recording: CallRecording;
  /** Deletes the media session (and stores the recording, if any), once. */
  closeMedia: () => Promise<void>;
  /** Undo steps that were taken during setup (limit slots), run once at the end. */
  releases: (() => Promise<void>)[];
  onEnded: (call: BridgedCall) => void;
  onRefer?: ReferHandler;
};

export class BridgedCall {
  readonly record: CallRecord;
  readonly recording: CallRecording;
  readonly media: MediaSession;
  readonly #o: BridgedCallOptions;
  readonly #legs: Record<CallSide, CallLeg>;
  /** The last SDP the switch sent on each leg, whose origin the next one continues (sdp-origin.ts). */
  readonly #sentSdp: Record<CallSide, string>;
  #cutTimer: TimerHandle | undefined;
  #ending = false;
  /** The side whose party is being transferred away, and whether it hung up meanwhile. */
  #transfer: { side: CallSide; referrerGone: boolean } | undefined;

  constructor(options: BridgedCallOptions) {
    this.#o = options;
    this.record = options.record;
    this.recording = options.recording;
    this.media = options.media;
    this.#legs = {
      a: { dialog: options.uas, tag: options.aTag, profile: options.aProfile },
      b: { dialog: options.uac, tag: options.bTag, profile: options.bProfile },
    };
    this.#sentSdp = { a: options.uas.local.sdp, b: options.uac.local.sdp };
  }

  /** Wires the dialog events: BYE from either side, re-INVITEs passed through rtpengine, REFER. */
  start(): void {
    this.#attach('a');
    this.#attach('b');
    this.#o.metrics.callsActive.inc({ direction: this.record.direction });
  }

  /** The current leg on `side`. */
  leg(side: CallSide): CallLeg {
    return this.#legs[side];
  }

  /** Sends `sdp` to `side` in a re-INVITE (with that leg's own origin) and returns its answer. */
  reoffer(side: CallSide, sdp: string): Promise<string> {
    const offer = continueOrigin(this.#sentSdp[side], sdp);
    this.#sentSdp[side] = offer;
    return this.#legs[side].dialog.modify(offer);
  }

  /** Claims the call for a transfer of `side`'s party; false while another runs or the call ends. */
  beginTransfer(side: CallSide): boolean {
    if (this.#ending || this.#transfer) return false;
    this.#transfer = { side, referrerGone: false };
    return true;
  }

  /** The transfer target answered: `leg` takes `side`'s place and the referrer's dialog is ended. */
  async completeTransfer(side: CallSide, leg: CallLeg): Promise<void> {
    const old = this.#legs[side];
    const gone = this.#transfer?.referrerGone ?? false;
    this.#legs[side] = leg;
    this.#sentSdp[side] = leg.dialog.local.sdp;
    this.#transfer = undefined;
    this.#attach(side);
    if (this.#ending) {
      await leg.dialog.destroy().catch((err: unknown) => this.#o.log.warn({ err, callId: this.record.callId }, 'BYE to the transfer target failed'));
      return;
    }
    if (!gone) await old.dialog.destroy().catch((err: unknown) => this.#o.log.warn({ err, callId: this.record.callId }, 'BYE to the referrer failed'));
  }

  /** The transfer failed: the call goes on with the referrer, or ends if the referrer hung up meanwhile. */
  async abortTransfer(side: CallSide): Promise<void> {
    const gone = this.#transfer?.referrerGone ?? false;
    this.#transfer = undefined;
    if (gone) await this.#end(side === 'a' ? 'caller_hangup' : 'callee_hangup');
  }

  #attach(side: CallSide): void {
    const dialog = this.#legs[side].dialog;
    const current = () => this.#legs[side].dialog === dialog;
    dialog.on('destroy', () => {
      if (!current()) return;
      // RFC 5589 §6: a transferor may hang up once the REFER is accepted; the transfer goes on.
      if (this.#transfer?.side === side) this.#transfer.referrerGone = true;
      else void this.#end(side === 'a' ? 'caller_hangup' : 'callee_hangup');
    });
    dialog.on('modify', (req, res) => {
      if (current()) void this.#relayReinvite(req, res, side);
      else res.send(481);
    });
    dialog.on('refer', (req, res) => {
      if (current() && this.#o.onRefer) this.#o.onRefer(this, side, req, res);
      else res.send(403, 'Transfer Not Allowed');
    });
  }

  /** Ends the call at `atMs` (epoch ms) unless it ends before; a later call moves the deadline. */
  cutAt(atMs: number, cause: 'balance_exhausted' | 'max_duration'): void {
    this.#o.clock.clearTimer(this.#cutTimer);
    this.#cutTimer = this.#o.clock.setTimer(Math.max(0, atMs - this.#o.clock.now()), () => void this.#end(cause));
  }

  /** Ends the call now from the switch's side (shutdown). */
  hangup(cause: EndCause): Promise<void> {
    return this.#end(cause);
  }

  async #relayReinvite(req: SrfRequest, res: SrfResponse, from: CallSide): Promise<void> {
    const o = this.#o;
    const otherSide: CallSide = from === 'a' ? 'b' : 'a';
    const sender = this.#legs[from];
    const other = this.#legs[otherSide];
    try {
      const answer = await this.reoffer(otherSide, await o.media.offer(req.body, sender.tag, other.profile));
      const back = continueOrigin(this.#sentSdp[from], await o.media.answer(answer, sender.tag, other.tag, sender.profile));
      this.#sentSdp[from] = back;
      res.send(200, { body: back, headers: { 'Content-Type': 'application/sdp' } });
    } catch (err) {
      o.log.warn({ err, callId: this.record.callId }, 're-INVITE relay failed');
      if (!res.finalResponseSent) res.send(488);
    }
  }

  async #end(cause: EndCause): Promise<void> {
    if (this.#ending) return;
    this.#ending = true;
    const o = this.#o;
    o.clock.clearTimer(this.#cutTimer);
    const reason = cause === 'caller_hangup' || cause === 'callee_hangup' ? undefined : REASON_HEADER[cause];
    const headers = reason ? { Reason: reason } : undefined;
    const byes: Promise<unknown>[] = [];
    if (cause !== 'caller_hangup') byes.push(this.#legs.a.dialog.destroy(headers ? { headers } : undefined));
    if (cause !== 'callee_hangup') byes.push(this.#legs.b.dialog.destroy(headers ? { headers } : undefined));
    const results = await Promise.allSettled(byes);
    for (const r of results) if (r.status === 'rejected') o.log.warn({ err: r.reason as unknown, callId: this.record.callId }, 'BYE failed');
    if (reason) o.metrics.cutoffs.inc({ reason: cause });
    await o.closeMedia();
    await Promise.allSettled(o.releases.map((release) => release()));
    const endedAtMs = o.clock.now();
    const answeredAt = this.record.answeredAtMs ?? endedAtMs;
    if (this.record.gatewayId) o.metrics.gatewaySeconds.inc({ gateway: this.record.gatewayId }, (endedAtMs - answeredAt) / 1000);
    o.metrics.callsActive.dec({ direction: this.record.direction });
    o.metrics.calls.inc({ direction: this.record.direction, disposition: reason ? 'cut_off' : 'answered' });
    const facts = this.record.end({ endedAtMs, sipStatus: 200, sipReason: 'OK', disposition: reason ? 'cut_off' : 'answered', endReason: cause });
    if (facts) await o.rating.end(facts).catch((err: unknown) => o.log.error({ err, callId: this.record.callId }, 'call end not reported to the rater'));
    o.onEnded(this);
  }
}
