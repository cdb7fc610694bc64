// The implicit subscription a REFER creates (RFC 3515 §2.4.4): NOTIFYs with Event: refer carrying
// the referred request's progress as a message/sipfrag status line (RFC 3420); the last one
// terminates the subscription (RFC 3515 §2.4.5, RFC 6665 §4.1.3).
import type { SrfDialog } from '../../srf/srf-view.js';

const REASON_PHRASES: Record<number, string> = { 100: 'Trying', 180: 'Ringing', 200: 'OK', 403: 'Forbidden', 408: 'Request Timeout', 480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 503: 'Service Unavailable', 603: 'Decline' };

/** Sends one NOTIFY on the referrer's dialog with status `status`; `final` terminates the subscription. */
export async function notifyReferProgress(dialog: SrfDialog, status: number, final: boolean): Promise<void> {
  await dialog.request({
    method: 'NOTIFY',
    headers: {
      Event: 'refer',
      'Subscription-State': final ? 'terminated;reason=noresource' : 'active;expires=60',
      'Content-Type': 'message/sipfrag;version=2.0',
    },
    body: `SIP/2.0 ${status} ${REASON_PHRASES[status] ?? 'Unknown'}\r\n`,
  });
}
