// The facts of one call attempt as the switch learns them, reported to the rater exactly once at
// the end (the rater writes the CDR and the debit). Every attempt, answered or not, ends here.
import type { CallDirection, EndRequest } from '#lib/rater-api/index.js';

export type Disposition = EndRequest['disposition'];

/** What the switch reports when an attempt ends; `tenantId` is null for calls no tenant owns (unknown DID). */
export type CallEnd = EndRequest;

export class CallRecord {
  readonly callId: string;
  readonly startedAtMs: number;
  tenantId: string | null = null;
  caller = '';
  destination = '';
  direction: CallDirection = 'outbound';
  gatewayId: string | null = null;
  carrierId: string | null = null;
  ringAtMs: number | null = null;
  answeredAtMs: number | null = null;
  /** Whether a recording of the call was stored. */
  recorded = false;
  /** Which rule recorded it: the client's, or a staff diagnostic window. */
  recordingKind: 'client' | 'diagnostic' | null = null;
  #ended: CallEnd | undefined;

  constructor(callId: string, startedAtMs: number) {
    this.callId = callId;
    this.startedAtMs = startedAtMs;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** Seals the record; later calls return undefined so that one attempt yields one CDR. */
  end(args: { endedAtMs: number; sipStatus: number | null; sipReason: string | null; disposition: Disposition; endReason: string | null }): CallEnd | undefined {
    if (this.#ended) return undefined;
    this.#ended = {
      callId: this.callId,
      tenantId: this.tenantId,
      caller: this.caller.slice(0, 64),
      destination: this.destination,
      direction: this.direction,
      gatewayId: this.gatewayId,
      carrierId: this.carrierId,
      startedAtMs: this.startedAtMs,
      ringAtMs: this.ringAtMs,
      answeredAtMs: this.answeredAtMs,
      recorded: this.recorded,
      ...(this.recordingKind === null ? {} : { recordingKind: this.recordingKind }),
      ...args,
    };
    return this.#ended;
  }
}

/** The disposition of an attempt that ended with final response `status` before answer (RFC 3261 §21). */
export function dispositionOf(status: number): Disposition {
  if (status >= 200 && status < 300) return 'answered';
  if (status === 486 || status === 600) return 'busy';
  if (status === 487) return 'cancelled';
  if (status === 408 || status === 480) return 'no_answer';
  if (status === 403 || status === 603 || status === 402 || status === 404 || status === 484 || status === 488) return 'rejected';
  return 'failed';
}
