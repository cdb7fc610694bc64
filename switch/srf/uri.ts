// Small helpers over SIP URIs as strings (sip:user@host:port;params), for values drachtio-srf hands
// the app. RFC 3261 §19.1.1.

const SIP_URI = /^sips?:(?:([^@;?]*)@)?(\[[^\]]+\]|[^:;?>]+)(?::(\d+))?/i;

/** The user part, URL-decoded, or undefined. */
export function userOf(uri: string): string | undefined {
  const m = SIP_URI.exec(stripBrackets(uri));
  const user = m?.[1];
  if (!user) return undefined;
  try {
    return decodeURIComponent(user.split(':')[0] ?? '');
  } catch {
    return undefined; // malformed escapes: treated as no user
  }
}

/** The host part, lower-cased, or undefined. */
export function hostOf(uri: string): string | undefined {
  return SIP_URI.exec(stripBrackets(uri))?.[2]?.toLowerCase();
}

/** The port, when the URI names one. */
export function portOf(uri: string): number | undefined {
  const p = SIP_URI.exec(stripBrackets(uri))?.[3];
  return p === undefined ? undefined : Number(p);
}

function stripBrackets(uri: string): string {
  const m = /<([^>]*)>/.exec(uri);
  return (m?.[1] ?? uri).trim();
}
