// Which requests the rate limit leaves out (issue 8: limit the work outsiders can create, not the
// calls a peer already has). A request counts unless it belongs to state the server holds:
// - a dialog it knows: Call-ID, To tag (ours) and From tag (theirs) match one (RFC 3261 §12.2.2);
// - an ACK or CANCEL of a live INVITE server transaction (RFC 3261 §17.2.3 ACK for a non-2xx, §9.2 CANCEL).
// A To tag matching no dialog still counts, so a made-up tag cannot dodge the limit.
import { getCallId, getFromTag, getToTag, type SipRequest } from '#sip-server/message/index.js';

/** Look-ups into the server's dialog and transaction tables (wired in service.ts). */
export type KnownRequestLookups = {
  /** RFC 3261 §12.2.2 match of a request from the network. */
  hasDialog(callId: string, toTag: string, fromTag: string): boolean;
  /** An INVITE server transaction the ACK/CANCEL targets (same branch and sent-by). */
  hasInviteTransaction(request: SipRequest): boolean;
};

/** True when `request` is part of a dialog or INVITE transaction the server holds (not counted). */
export function isKnownRequest(request: SipRequest, lookups: KnownRequestLookups): boolean {
  if ((request.method === 'ACK' || request.method === 'CANCEL') && lookups.hasInviteTransaction(request)) return true;
  const toTag = getToTag(request);
  if (toTag === undefined) return false;
  return lookups.hasDialog(getCallId(request) ?? '', toTag, getFromTag(request) ?? '');
}
