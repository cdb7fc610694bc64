// RFC 3261 §9.1: building a CANCEL for a pending INVITE.
import { SipHeaders, type SipRequest } from '#sip-server/message/index.js';

/**
 * CANCEL for `invite` (§9.1): same Request-URI, Call-ID, To, From, CSeq number (method CANCEL),
 * the same single top Via (so it carries the INVITE's branch) and the INVITE's Route headers.
 */
export function buildCancel(invite: SipRequest): SipRequest {
  const h = new SipHeaders();
  const topVia = invite.headers.getAll('via')[0];
  if (topVia !== undefined) h.add('Via', topVia);
  for (const r of invite.headers.getLines('route')) h.add('Route', r);
  h.add('Max-Forwards', invite.headers.get('max-forwards') ?? '70');
  h.add('From', invite.headers.get('from') ?? '');
  h.add('To', invite.headers.get('to') ?? '');
  h.add('Call-ID', invite.headers.get('call-id') ?? '');
  const seq = (invite.headers.get('cseq') ?? '1').trim().split(/\s+/)[0] ?? '1';
  h.add('CSeq', `${seq} CANCEL`);
  h.add('Content-Length', '0');
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, headers: h, body: Buffer.alloc(0) };
}
