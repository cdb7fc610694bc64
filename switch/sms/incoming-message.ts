// One MESSAGE the switch received: its identity (Call-ID, CSeq), its content, and the single final
// response it gets (counted in the metrics).
import { createHash } from 'node:crypto';
import type { Logger } from '#lib/log/index.js';
import { callIdOf, type SrfRequest, type SrfResponse } from '../srf/srf-view.js';
import type { SmsEnv } from './sms-env.js';
import type { SmsDirection, SmsRecord, SmsStatus } from './sms-store.js';

/**
 * RFC 3428 §5: without congestion control (UDP), a MESSAGE must not exceed 1300 bytes; larger
 * bodies are refused with 413 whatever the transport, so a message never fails on a later hop.
 */
export const MAX_MESSAGE_BODY_BYTES = 1300;

export class IncomingMessage {
  readonly env: SmsEnv;
  readonly req: SrfRequest;
  readonly res: SrfResponse;
  readonly log: Logger;
  readonly callId: string;
  readonly cseq: number;
  readonly contentType: string;
  readonly atMs: number;

  constructor(env: SmsEnv, req: SrfRequest, res: SrfResponse) {
    this.env = env;
    this.req = req;
    this.res = res;
    this.callId = callIdOf(req);
    this.cseq = Number.parseInt(req.get('CSeq') ?? '0', 10) || 0;
    this.contentType = (req.get('Content-Type') ?? 'text/plain').slice(0, 200);
    this.atMs = env.clock.now();
    this.log = env.log.child({ callId: this.callId, method: 'MESSAGE' });
  }

  /**
   * The message's id at the billing rater: the same for a retransmission of this MESSAGE (same
   * Call-ID and CSeq, RFC 3261 §17.2.3), so its hold and charge are found again, never doubled.
   */
  get messageId(): string {
    return createHash('sha256').update(`${this.callId}\n${this.cseq}`).digest('base64url').slice(0, 32);
  }

  get body(): string {
    return this.req.body;
  }

  /** Sends the final response (once). */
  reply(status: number, reason: string, headers?: Record<string, string | string[]>): void {
    if (this.res.finalResponseSent) return;
    this.res.send(status, reason, headers ? { headers } : undefined);
  }

  /** The message row for the store, with this request's identity and content. */
  recordOf(facts: { tenantId: string; direction: SmsDirection; from: string; to: string; status: SmsStatus; sipStatus: number; reason: string; sipUserId?: string; gatewayId?: string }): SmsRecord {
    return {
      tenantId: facts.tenantId,
      direction: facts.direction,
      sipCallId: this.callId.slice(0, 256),
      sipCseq: this.cseq,
      sipUserId: facts.sipUserId ?? null,
      fromNumber: facts.from.slice(0, 64),
      toNumber: facts.to.slice(0, 64),
      contentType: this.contentType,
      body: this.body,
      status: facts.status,
      sipStatus: facts.sipStatus,
      reason: facts.reason,
      gatewayId: facts.gatewayId ?? null,
      occurredAtMs: this.atMs,
    };
  }
}
