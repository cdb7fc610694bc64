// RFC 3261 §17.2.3 (matching requests to server transactions, incl. the RFC 2543 fallback),
// §17.1.3 (matching responses to client transactions), §9.2 (CANCEL), §8.2.2.2 (merged requests).
import { BRANCH_MAGIC_COOKIE } from '#lib/ids/index.js';
import { getCallId, getCSeq, getFromTag, getToTag, getTopVia, type SipRequest, type SipResponse } from '#sip-server/message/index.js';

/**
 * Key of the server transaction a request belongs to. ACK maps to its INVITE; pass
 * `asMethod: 'INVITE'` to find the INVITE a CANCEL targets (§9.2). Undefined without a top Via/CSeq.
 */
export function serverTransactionKey(request: SipRequest, asMethod?: string): string | undefined {
  const via = getTopVia(request);
  if (via === undefined) return undefined;
  const method = asMethod ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
  if (via.branch !== undefined && via.branch.startsWith(BRANCH_MAGIC_COOKIE)) {
    // §17.2.3: branch + sent-by + method (ACK → INVITE).
    return `${via.branch}|${sentBy}|${method}`;
  }
  // §17.2.3 RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number, top Via sent-by; the To tag
  // is left out so that the ACK (which carries the tag of our response) still matches its INVITE.
  const cseq = getCSeq(request);
  if (cseq === undefined) return undefined;
  return `2543|${request.uri}|${getFromTag(request) ?? ''}|${getCallId(request) ?? ''}|${cseq.seq}|${sentBy}|${via.branch ?? ''}|${method}`;
}

/** §17.1.3: key of the client transaction a response belongs to: top Via branch + CSeq method. */
export function clientTransactionKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/** Key of a received response (undefined when it has no branch or CSeq). */
export function responseKey(response: SipResponse): string | undefined {
  const branch = getTopVia(response)?.branch;
  const cseq = getCSeq(response);
  if (branch === undefined || cseq === undefined) return undefined;
  return clientTransactionKey(branch, cseq.method);
}

/**
 * §8.2.2.2: requests without a To tag are "merged" when From tag, Call-ID and CSeq equal those
 * of a request already in a transaction that this one does not match. Undefined when the
 * request has a To tag (in-dialog) or is ACK/CANCEL.
 */
export function mergeKey(request: SipRequest): string | undefined {
  if (request.method === 'ACK' || request.method === 'CANCEL' || getToTag(request) !== undefined) return undefined;
  const cseq = getCSeq(request);
  const fromTag = getFromTag(request);
  if (cseq === undefined || fromTag === undefined) return undefined;
  return `${fromTag}|${getCallId(request) ?? ''}|${cseq.seq}|${cseq.method}`;
}
