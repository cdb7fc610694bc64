// Reliable provisional responses across the B2BUA (RFC 3262). When the caller supports 100rel
// (Supported or Require, RFC 3262 §4), its 100rel headers go to the callee, and a callee's
// `Require: 100rel` on an 18x comes back on the caller's copy, so the SIP server sends that one
// reliably too (its own RSeq) and each leg PRACKs its own hop. A caller without 100rel gets the
// 18x unreliably; the callee's reliable 18x is still PRACKed on the callee's leg by the server.
import type { B2buaOptions, SrfRequest } from '../srf/srf-view.js';

export function reliableProvisionalOptions(req: SrfRequest): Pick<B2buaOptions, 'proxyRequestHeaders' | 'proxyResponseHeaders'> {
  const offered = `${req.get('Supported') ?? ''},${req.get('Require') ?? ''}`;
  if (!/(^|[\s,])100rel($|[\s,])/i.test(offered)) return {};
  return { proxyRequestHeaders: ['Supported', 'Require'], proxyResponseHeaders: ['Require'] };
}
