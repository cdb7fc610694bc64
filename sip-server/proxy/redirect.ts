// RFC 3261 §16.5 / §8.1.3.4: the targets a 3xx offers, from its Contact header field values.
import { formatUri, getContacts, type SipResponse } from '#sip-server/message/index.js';

/** Contact URIs of a redirect, highest `q` first (ties keep their order), without duplicates. */
export function redirectTargets(res: SipResponse): string[] {
  const list = getContacts(res);
  if (!list || list.wildcard) return [];
  const q = (p: ReadonlyMap<string, string | null>): number => {
    const v = Number(p.get('q') ?? '1');
    return Number.isFinite(v) ? v : 0;
  };
  const sorted = list.contacts.map((c, i) => ({ uri: formatUri(c.uri), q: q(c.params), i })).sort((a, b) => b.q - a.q || a.i - b.i);
  return [...new Set(sorted.filter((c) => /^sips?:/i.test(c.uri)).map((c) => c.uri))];
}
