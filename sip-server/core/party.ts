// Small helpers on From/To/Contact values used by both directions of the core.
import { formatNameAddr, getContacts, parseNameAddr, type SipMessage } from '#sip-server/message/index.js';
import { formatUri } from '#sip-server/message/index.js';

/** A From/To value without its tag parameter (for dialog state, RFC 3261 §12.1). */
export function withoutTag(value: string): string {
  const r = parseNameAddr(value);
  if (!r.ok) return value;
  const params = new Map(r.value.params);
  params.delete('tag');
  return formatNameAddr({ ...r.value, params });
}

/** The URI of the first Contact, as text (remote target, RFC 3261 §12.1.1). */
export function contactUri(msg: SipMessage): string | undefined {
  const c = getContacts(msg);
  if (!c || c.wildcard) return undefined;
  const first = c.contacts[0];
  return first ? formatUri(first.uri) : undefined;
}

/** The tag of a From/To value, if any. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const r = parseNameAddr(value);
  if (!r.ok) return undefined;
  const t = r.value.params.get('tag');
  return typeof t === 'string' ? t : undefined;
}
