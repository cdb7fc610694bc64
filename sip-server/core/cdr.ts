// CDR events to one app per event (round robin among `route|cdr:<x>` subscribers), protocol §7 and §5.9.
import type { SipMessage } from '#sip-server/message/index.js';
import { serializeMessage } from '#sip-server/message/index.js';
import type { CoreContext } from './core-context.js';

export type CdrEvent =
  | { kind: 'cdr:attempt'; source: 'network' | 'application'; message: SipMessage }
  | { kind: 'cdr:start'; source: 'network' | 'application'; role: 'uac' | 'uas' | 'proxy-uac' | 'proxy-uas'; message: SipMessage }
  | { kind: 'cdr:stop'; source: 'network' | 'application'; reason: CdrStopReason; message: SipMessage };

export type CdrStopReason = 'call-rejected' | 'call-canceled' | 'normal-release' | 'system-initiated-termination';

/** Sends one CDR event when CDRs are enabled and some app subscribed. */
export function emitCdr(ctx: CoreContext, e: CdrEvent): void {
  if (!ctx.cdrs) return;
  const conn = ctx.routes.pick(e.kind);
  if (!conn) return;
  const sip = serializeMessage(e.message);
  const timeMs = ctx.clock.now();
  switch (e.kind) {
    case 'cdr:attempt':
      conn.send({ kind: 'cdr:attempt', source: e.source, timeMs, sip });
      return;
    case 'cdr:start':
      conn.send({ kind: 'cdr:start', source: e.source, timeMs, role: e.role, sip });
      return;
    case 'cdr:stop':
      conn.send({ kind: 'cdr:stop', source: e.source, timeMs, reason: e.reason, sip });
      return;
  }
}
