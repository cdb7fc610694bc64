// The drachtio `proxy` command as a typed plan (/work/shared/drachtio-protocol.md §3.7, §6.1):
// fork mode, timeouts, targets and the headers the app wants on every forwarded copy.
import { parseMessage } from '#sip-server/message/index.js';
import type { AppMessage } from '#sip-server/wire/index.js';

export type ForkMode = 'serial' | 'simultaneous';

export type ProxyPlan = {
  mode: ForkMode;
  /** Record-Route ourselves so in-dialog requests pass through us (RFC 3261 §16.6 step 4). */
  remainInDialog: boolean;
  /** Recurse on 3xx Contacts (RFC 3261 §16.5); otherwise a 3xx is a candidate final response. */
  followRedirects: boolean;
  /** No response at all (not even 100) from a branch within this time → try the next (§6.2). */
  provisionalTimeoutMs: number | undefined;
  /** No final response from a branch within this time → CANCEL it and try the next (OPEN-1). */
  finalTimeoutMs: number | undefined;
  /** Target URIs in the order the app gave them (srf already prefixes `sip:`). */
  targets: readonly string[];
  /** Headers of the app's attached message, set on every forwarded copy (§6.1). */
  headers: readonly (readonly [string, string])[];
};

export type PlanResult = { ok: true; plan: ProxyPlan } | { ok: false; reason: string };

/** Headers of the attached message the proxy owns and never takes from the app (§5.1 item 3). */
const OWNED: ReadonlySet<string> = new Set(['via', 'route', 'record-route', 'content-length', 'max-forwards', 'call-id', 'cseq', 'from', 'to', 'contact', 'content-type']);

/** `2s` / `1500ms` as drachtio-server reads them (`^(\d+)(ms|s)$`); empty means none. */
export function parseProxyTimeout(text: string): { ok: true; ms: number | undefined } | { ok: false } {
  if (text === '') return { ok: true, ms: undefined };
  const m = /^(\d{1,9})(ms|s)$/.exec(text);
  if (!m) return { ok: false };
  const n = Number(m[1]);
  return { ok: true, ms: m[2] === 's' ? n * 1000 : n };
}

/** Validates the command's fields and reads the attached message's headers. */
export function planFromCommand(cmd: Extract<AppMessage, { kind: 'proxy' }>): PlanResult {
  const provisional = parseProxyTimeout(cmd.provisionalTimeout);
  if (!provisional.ok) return { ok: false, reason: `invalid provisional timeout: ${cmd.provisionalTimeout}` };
  const final = parseProxyTimeout(cmd.finalTimeout);
  if (!final.ok) return { ok: false, reason: `invalid final timeout: ${cmd.finalTimeout}` };
  if (cmd.destinations.length === 0) return { ok: false, reason: 'no destination' };
  const headers: (readonly [string, string])[] = [];
  if (cmd.sip !== '') {
    const parsed = parseMessage(Buffer.from(cmd.sip, 'utf8'), { lenient: true });
    if (!parsed.ok) return { ok: false, reason: `invalid headers: ${parsed.error.reason}` };
    for (const [name, value] of parsed.message.headers.entries()) if (!OWNED.has(name)) headers.push([name, value]);
  }
  return {
    ok: true,
    plan: {
      mode: cmd.simultaneous ? 'simultaneous' : 'serial',
      remainInDialog: cmd.remainInDialog,
      followRedirects: cmd.followRedirects,
      provisionalTimeoutMs: provisional.ms,
      finalTimeoutMs: final.ms,
      targets: cmd.destinations,
      headers,
    },
  };
}
