// The recording of one call: the rule in force at setup (recording-rule.ts), a start or stop asked
// through the API while the call runs (rtpengine's `start recording` / `stop recording` ng commands),
// and, once the media session is deleted, the stored recording and what the CDR says about it.
import type { Logger } from '#lib/log/index.js';
import type { MediaSession } from '#media/index.js';
import type { DiagnosticFlagReader } from './diagnostic-flags.js';
import type { RecordingFinalizer } from './recording-finalizer.js';
import { clientRecording, decideRecording, diagnosticRecording, type RecordingDecision } from './recording-rule.js';

export type RecordingKind = RecordingDecision['kind'];
export type StartOutcome = 'started' | 'already_recording' | 'unavailable';
export type StopOutcome = 'stopped' | 'not_recording' | 'diagnostic_continues';

export class CallRecording {
  readonly #finalizer: RecordingFinalizer | undefined;
  readonly #flags: DiagnosticFlagReader | undefined;
  readonly #log: Logger;
  #decision: RecordingDecision | undefined;
  /** Whether rtpengine writes the call now. */
  #active = false;
  /** Whether rtpengine wrote any of it (then the spool holds files to store or clean). */
  #everActive = false;
  #retentionDays = 30;
  #startedAtMs = 0;
  #numbers: readonly string[] = [];
  #tenantId = '';

  constructor(options: { finalizer?: RecordingFinalizer | undefined; flags?: DiagnosticFlagReader | undefined; log: Logger }) {
    this.#finalizer = options.finalizer;
    this.#flags = options.flags;
    this.#log = options.log;
  }

  /** The rule in force at setup; a recorded call is recorded from its first offer. */
  async decide(args: { tenantId: string; clientWanted: boolean; retentionDays: number; startedAtMs: number; numbers: readonly string[] }): Promise<void> {
    this.#retentionDays = args.retentionDays;
    this.#startedAtMs = args.startedAtMs;
    this.#numbers = args.numbers;
    this.#tenantId = args.tenantId;
    if (!this.#finalizer) return;
    const flags = args.clientWanted || !this.#flags ? [] : await this.#flags.forTenant(args.tenantId, args.startedAtMs);
    this.#decision = decideRecording({ ...args, flags });
    if (this.#decision) {
      this.#active = true;
      this.#everActive = true;
    }
  }

  /** Whether the media session must record from its first offer. */
  get fromSetup(): boolean {
    return this.#active;
  }

  /** The client turns recording on during the call: rtpengine starts now; the recording is the client's. */
  async start(media: MediaSession | undefined): Promise<StartOutcome> {
    if (!this.#finalizer || !media) return 'unavailable';
    if (this.#decision?.kind === 'client' && this.#active) return 'already_recording';
    if (!this.#active) await media.startRecording();
    this.#active = true;
    this.#everActive = true;
    this.#decision = clientRecording(this.#startedAtMs, this.#retentionDays);
    return 'started';
  }

  /**
   * The client turns recording off: rtpengine stops writing, and what was recorded is kept. A staff
   * diagnostic window in force keeps recording (the recording becomes a diagnostic one again).
   */
  async stop(media: MediaSession | undefined): Promise<StopOutcome> {
    if (!media || !this.#active) return 'not_recording';
    if (this.#decision?.kind !== 'client') return 'diagnostic_continues';
    const flags = this.#flags ? await this.#flags.forTenant(this.#tenantId, this.#startedAtMs) : [];
    const diagnostic = diagnosticRecording(flags, this.#startedAtMs, this.#numbers);
    if (diagnostic) {
      this.#decision = diagnostic;
      return 'diagnostic_continues';
    }
    await media.stopRecording();
    this.#active = false;
    return 'stopped';
  }

  /** After the media session is deleted: stores what was recorded; returns the kind stored, or null. */
  async finalize(args: { callId: string; tenantId: string; answered: boolean }): Promise<RecordingKind | null> {
    if (!this.#finalizer || !this.#everActive || !this.#decision) return null;
    const d = this.#decision;
    try {
      const stored = await this.#finalizer.finalize({
        callId: args.callId,
        tenantId: args.tenantId,
        startedAtMs: this.#startedAtMs,
        answered: args.answered,
        expiresAtMs: d.expiresAtMs,
        kind: d.kind,
        diagnosticFlagId: d.kind === 'diagnostic' ? d.flagId : null,
      });
      return stored ? d.kind : null;
    } catch (err) {
      this.#log.error({ err }, 'call recording could not be stored');
      return null;
    }
  }
}
