// Registrar binding rules (RFC 3261 §10.3), as pure functions over the bindings of one
// address-of-record. The store (binding-store.ts) keeps them in Redis.

/** Where a device can be reached: its Contact, and the flow its REGISTER came over (NAT, RFC 3581). */
export type Binding = {
  /** Contact URI as the device sent it. */
  contact: string;
  /** +sip.instance (RFC 5626 §4.1) when given; identifies the device across Contact changes. */
  instanceId?: string;
  expiresAtMs: number;
  callId: string;
  cseq: number;
  /** Source the REGISTER came from (received/rport), where requests to the device go. */
  source: { transport: string; host: string; port: number };
  userAgent?: string;
};

/** One Contact of a REGISTER request, parsed by the caller. */
export type ContactEntry = { uri: string; expiresSec?: number; instanceId?: string };

export type RegisterRequest = {
  /** Contact header entries; `'*'` is the wildcard (RFC 3261 §10.2.2). */
  contacts: readonly ContactEntry[] | '*';
  expiresHeaderSec?: number;
  callId: string;
  cseq: number;
  source: Binding['source'];
  userAgent?: string;
};

export type RegistrarPolicy = { defaultExpiresSec: number; minExpiresSec: number; maxExpiresSec: number; maxBindings: number };

export type RegisterOutcome =
  | { ok: true; bindings: Binding[] }
  | { ok: false; status: 400 | 423 | 403 | 500; reason: string; minExpiresSec?: number };

/** The key a binding is stored under: the instance id when present, else the Contact URI. */
export function bindingKey(b: { contact: string; instanceId?: string }): string {
  return b.instanceId ?? b.contact;
}

/** Bindings still alive at `nowMs`. */
export function liveBindings(bindings: readonly Binding[], nowMs: number): Binding[] {
  return bindings.filter((b) => b.expiresAtMs > nowMs);
}

/** Applies a REGISTER to the current bindings (RFC 3261 §10.3 steps 6–8). */
export function applyRegister(current: readonly Binding[], req: RegisterRequest, policy: RegistrarPolicy, nowMs: number): RegisterOutcome {
  const live = new Map(liveBindings(current, nowMs).map((b) => [bindingKey(b), b]));
  if (req.contacts === '*') {
    // §10.3 step 6: "*" is only valid with Expires: 0 and removes every binding.
    if (req.expiresHeaderSec !== 0) return { ok: false, status: 400, reason: 'Wildcard Contact Requires Expires 0' };
    for (const b of live.values()) {
      if (b.callId === req.callId && req.cseq <= b.cseq) return { ok: false, status: 500, reason: 'Out Of Order Request' };
    }
    return { ok: true, bindings: [] };
  }
  for (const c of req.contacts) {
    const expires = Math.min(c.expiresSec ?? req.expiresHeaderSec ?? policy.defaultExpiresSec, policy.maxExpiresSec);
    // §10.3 step 7: an expiry below our minimum (but not a removal) gets 423 with Min-Expires.
    if (expires > 0 && expires < policy.minExpiresSec) {
      return { ok: false, status: 423, reason: 'Interval Too Brief', minExpiresSec: policy.minExpiresSec };
    }
    const key = bindingKey({ contact: c.uri, ...(c.instanceId === undefined ? {} : { instanceId: c.instanceId }) });
    const existing = live.get(key);
    // §10.3 step 8: same Call-ID with a CSeq not above the stored one is a stale or replayed request.
    if (existing && existing.callId === req.callId && req.cseq <= existing.cseq) {
      return { ok: false, status: 500, reason: 'Out Of Order Request' };
    }
    if (expires === 0) {
      live.delete(key);
      continue;
    }
    const binding: Binding = { contact: c.uri, expiresAtMs: nowMs + expires * 1000, callId: req.callId, cseq: req.cseq, source: req.source };
    if (c.instanceId !== undefined) binding.instanceId = c.instanceId;
    if (req.userAgent !== undefined) binding.userAgent = req.userAgent;
    live.set(key, binding);
  }
  if (live.size > policy.maxBindings) return { ok: false, status: 403, reason: 'Too Many Registered Devices' };
  return { ok: true, bindings: [...live.values()] };
}
