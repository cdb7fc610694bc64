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

export type EndCause = 'caller_hangup' | 'callee_hangup' | 'balance_exhausted' | 'max_duration' | 'shutdown';

/** Q.850 causes carried in the Reason header of BYEs the switch sends itself (RFC 3326). */
const REASON_HEADER: Record<Exclude<EndCause, 'caller_hangup' | 'callee_hangup'>, string> = {
  balance_exhausted: 'Q.850;cause=16;text="Balance exhausted"',
  max_duration: 'Q.850;cause=16;text="Maximum call duration reached"',
  shutdown: 'Q.850;cause=41;text="Switch shutting down"',
};

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
};

export class BridgedCall {
  readonly record: CallRecord;
  readonly recording: CallRecording;
  readonly media: MediaSession;
  readonly #o: BridgedCallOptions;
  #cutTimer: TimerHandle | undefined;
  #ending = false;

  constructor(options: BridgedCallOptions) {
    this.#o = options;
    this.record = options.record;
    this.recording = options.recording;
    this.media = options.media;
  }

  /** Wires the dialog events: BYE from either side, re-INVITEs passed through rtpengine. */
  start(): void {
    const { uas, uac } = this.#o;
    uas.on('destroy', () => void this.#end('caller_hangup'));
    uac.on('destroy', () => void this.#end('callee_hangup'));
    uas.on('modify', (req, res) => void this.#relayReinvite(req, res, 'a'));
    uac.on('modify', (req, res) => void this.#relayReinvite(req, res, 'b'));
    this.#o.metrics.callsActive.inc({ direction: this.record.direction });
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

  async #relayReinvite(req: SrfRequest, res: SrfResponse, from: 'a' | 'b'): Promise<void> {
    const o = this.#o;
    const [fromTag, toTag, towardOther, towardSender, other] =
      from === 'a' ? [o.aTag, o.bTag, o.bProfile, o.aProfile, o.uac] : [o.bTag, o.aTag, o.aProfile, o.bProfile, o.uas];
    try {
      const offer = await o.media.offer(req.body, fromTag, towardOther);
      const answer = await other.modify(offer);
      res.send(200, { body: await o.media.answer(answer, fromTag, toTag, towardSender), headers: { 'Content-Type': 'application/sdp' } });
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
    if (cause !== 'caller_hangup') byes.push(o.uas.destroy(headers ? { headers } : undefined));
    if (cause !== 'callee_hangup') byes.push(o.uac.destroy(headers ? { headers } : undefined));
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
