// RFC 6665 SUBSCRIBE dialogs as drachtio-server keeps them (protocol §4.2): created by a 2xx to the
// SUBSCRIBE or by a NOTIFY that arrives first (§4.1.2.4), ended by a NOTIFY with
// `Subscription-State: terminated` (§4.1.3, §4.2.2). A REFER's implicit subscription (RFC 3515 §2.4.4)
// lives in the INVITE dialog, which such a NOTIFY does not end.
import { getCallId, getToTag, type SipRequest } from '#sip-server/message/index.js';
import { makeDialogId, type Dialog } from '#sip-server/dialog/index.js';
import type { CoreContext } from './core-context.js';
import type { ReceivedFrom } from './stack-port.js';
import { buildUacDialog } from './uac-dialog.js';

/** RFC 6665 §8.2.3: `Subscription-State: terminated[;reason=…]`. */
export function isTerminatedNotify(req: SipRequest): boolean {
  return /^\s*terminated\b/i.test(req.headers.get('subscription-state') ?? '');
}

/** A NOTIFY that ends the subscription of a SUBSCRIBE-created dialog (drachtio: never an INVITE dialog). */
export function endsSubscription(dialog: Dialog, req: SipRequest): boolean {
  return dialog.usage === 'subscribe' && req.method === 'NOTIFY' && isTerminatedNotify(req);
}

/** The event package of an Event header, without parameters (RFC 6665 §8.2.1), lower-cased. */
function eventType(value: string | undefined): string {
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * RFC 6665 §4.1.2.4: a NOTIFY whose Call-ID and To tag are those of an app's pending SUBSCRIBE (and
 * whose Event matches it) creates the subscriber's dialog. Returns it (added to the table), else undefined.
 */
export function dialogFromNotify(ctx: CoreContext, notify: SipRequest, from: ReceivedFrom): Dialog | undefined {
  const id = makeDialogId(getCallId(notify) ?? '', getToTag(notify) ?? '');
  const sub = ctx.pendingSubscribes.get(id);
  if (!sub || ctx.dialogs.get(id)) return undefined;
  if (eventType(sub.request.headers.get('event')) !== eventType(notify.headers.get('event'))) return undefined;
  const dialog = buildUacDialog(sub, notify, from, 'subscribe');
  dialog.confirm();
  ctx.dialogs.add(dialog);
  return dialog;
}
