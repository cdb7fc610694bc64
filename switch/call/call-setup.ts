// A call before it is answered: its record, its media session once created, and the undo steps
// taken so far. `fail` ends it with one final response to the caller and one CDR.
import type { LegProfile, MediaSession } from '#media/index.js';
import type { Logger } from '#lib/log/index.js';
import type { TenantFacts } from '../directory/directory.js';
import { CallRecording } from '../recording/call-recording.js';
import { callIdOf, type SrfRequest, type SrfResponse } from '../srf/srf-view.js';
import { CallRecord, dispositionOf, type Disposition } from './call-record.js';
import type { CallEnv } from './call-env.js';

export class CallSetup {
  readonly env: CallEnv;
  readonly req: SrfRequest;
  readonly res: SrfResponse;
  readonly record: CallRecord;
  readonly log: Logger;
  /** Caller's leg: its tag (From tag of the INVITE) and media profile. */
  readonly aTag: string;
  aProfile: LegProfile = 'srtp';
  /** The tenant the call belongs to, once known (its realm and rules decide transfers). */
  tenant: TenantFacts | undefined;
  media: MediaSession | undefined;
  /** Whether and why the call is recorded: the rule at setup, or the client's start/stop during the call. */
  readonly recording: CallRecording;
  readonly releases: (() => Promise<void>)[] = [];
  #canceled = false;
  #firstProgressSeen = false;

  constructor(env: CallEnv, req: SrfRequest, res: SrfResponse) {
    this.env = env;
    this.req = req;
    this.res = res;
    this.record = new CallRecord(callIdOf(req), env.clock.now());
    this.log = env.log.child({ callId: callIdOf(req) });
    this.aTag = req.getParsedHeader('From').params?.['tag'] ?? '';
    this.recording = new CallRecording({ finalizer: env.recordings, flags: env.diagnosticFlags, log: this.log });
    req.on('cancel', () => {
      this.#canceled = true;
    });
  }

  /** True once the caller sent CANCEL (RFC 3261 §9.2). */
  isCanceled(): boolean {
    return this.#canceled;
  }

  /** The call's rtpengine session (created on first use). */
  mediaSession(): MediaSession {
    this.media ??= this.env.media.openSession({
      callId: this.record.callId,
      log: this.log,
      ...(this.env.mediaAddress === undefined ? {} : { mediaAddress: this.env.mediaAddress }),
      ...(this.recording.fromSetup ? { record: true } : {}),
    });
    return this.media;
  }

  /**
   * Records the call when the workspace (or the number) asked for it, or when a staff diagnostic
   * window covers the workspace or one of `numbers` (the call's own numbers), and recording is configured.
   */
  async recordIf(wanted: boolean, retentionDays: number, numbers: readonly string[]): Promise<void> {
    if (this.record.tenantId === null) return;
    await this.recording.decide({ tenantId: this.record.tenantId, clientWanted: wanted, retentionDays, startedAtMs: this.record.startedAtMs, numbers });
  }

  /** Deletes the call's media session and turns its recording, if any, into a stored one. */
  async closeMedia(answered: boolean): Promise<void> {
    if (!this.media) return;
    await this.media.delete();
    if (this.record.tenantId === null) return;
    const kind = await this.recording.finalize({ callId: this.record.callId, tenantId: this.record.tenantId, answered });
    this.record.recorded = kind !== null;
    this.record.recordingKind = kind;
  }

  /** Notes ringing or answer for post-dial delay (first one only). */
  progress(status: number): void {
    if (status >= 180 && this.record.ringAtMs === null && status < 200) this.record.ringAtMs = this.env.clock.now();
    if (!this.#firstProgressSeen && status >= 180) {
      this.#firstProgressSeen = true;
      this.env.metrics.postDialDelay.observe((this.env.clock.now() - this.record.startedAtMs) / 1000);
    }
  }

  /** Ends an unanswered call: final response (unless the caller canceled), cleanup, one CDR. */
  async fail(status: number, reason: string, opts: { headers?: Record<string, string>; disposition?: Disposition; endReason?: string } = {}): Promise<void> {
    const canceled = this.#canceled;
    if (!canceled && !this.res.finalResponseSent) {
      this.res.send(status, reason, opts.headers ? { headers: opts.headers } : undefined);
      this.env.metrics.finalResponses.inc({ code: String(status) });
    }
    await this.media?.delete();
    await Promise.allSettled(this.releases.map((r) => r()));
    const disposition = canceled ? 'cancelled' : (opts.disposition ?? dispositionOf(status));
    this.env.metrics.calls.inc({ direction: this.record.direction, disposition });
    const facts = this.record.end({
      endedAtMs: this.env.clock.now(),
      sipStatus: canceled ? 487 : status,
      sipReason: canceled ? 'Request Terminated' : reason,
      disposition,
      endReason: opts.endReason ?? null,
    });
    if (facts) await this.env.rating.end(facts).catch((err: unknown) => this.log.error({ err }, 'call end not reported to the rater'));
    // An unanswered call stores no recording; its spool files are cleaned after the CDR is
    // reported, so the wait for rtpengine's files does not delay it.
    await this.closeMedia(false);
  }
}
