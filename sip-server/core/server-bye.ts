// A BYE the server sends on its own (protocol §4.4 ACK timeout, §5.10 orphaned dialog): RFC 3261
// §15.1.1 in the dialog, with a Reason header (RFC 3326) saying why; the dialog ends at once and the
// BYE's answer is not awaited.
import type { Dialog } from '#sip-server/dialog/index.js';
import type { SipRequest } from '#sip-server/message/index.js';
import { emitCdr } from './cdr.js';
import type { CoreContext } from './core-context.js';
import { buildInDialog, dialogDestination, endDialog } from './outbound.js';
import type { Endpoint } from './stack-port.js';

/** Ends `dialog` and BYEs the far end; undefined when no destination could be resolved (the dialog still ends). */
export function sendServerBye(ctx: CoreContext, dialog: Dialog, reason: string): { request: SipRequest; destination: Endpoint } | undefined {
  const destination = dialogDestination(ctx, dialog);
  const bye = buildInDialog(dialog, 'BYE', undefined, dialog.nextLocalSeq());
  bye.headers.set('Reason', reason);
  endDialog(ctx, dialog);
  if (!destination) return undefined;
  const sent = ctx.stack.sendRequest(bye, destination, { onResponse: () => undefined, onFailure: () => undefined });
  emitCdr(ctx, { kind: 'cdr:stop', source: 'application', reason: 'system-initiated-termination', message: sent.request });
  return { request: sent.request, destination };
}
