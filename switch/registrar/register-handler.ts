// REGISTER: digest-authenticated against the tenant whose realm is the AOR's domain, then the
// bindings are updated in Redis (RFC 3261 §10.3) and the 200 OK lists every live Contact with its
// remaining expiry (§10.3 step 8).
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { SipUserAuthenticator } from '../admission/sip-user-auth.js';
import { callIdOf, type SrfRequest, type SrfResponse } from '../srf/srf-view.js';
import type { BindingStore } from './binding-store.js';
import type { ContactEntry, RegisterRequest } from './bindings.js';
import { hostOf, userOf } from '../srf/uri.js';

export type RegisterHandlerDeps = { auth: SipUserAuthenticator; bindings: BindingStore; clock: Clock; log: Logger; registry: Registry };

export function createRegisterHandler(deps: RegisterHandlerDeps): (req: SrfRequest, res: SrfResponse) => void {
  const registrations = new Counter({
    name: 'switch_registrations_total',
    help: 'REGISTER requests by outcome',
    labelNames: ['result'],
    registers: [deps.registry],
  });
  return (req, res) => {
    handleRegister(req, res, deps).then(
      (result) => registrations.inc({ result }),
      (err: unknown) => {
        deps.log.error({ err, callId: callIdOf(req) }, 'REGISTER failed');
        registrations.inc({ result: 'error' });
        if (!res.finalResponseSent) res.send(500);
      },
    );
  };
}

async function handleRegister(req: SrfRequest, res: SrfResponse, deps: RegisterHandlerDeps): Promise<string> {
  const to = req.getParsedHeader('To');
  const realm = hostOf(to.uri);
  const aorUser = userOf(to.uri);
  if (!realm || !aorUser) {
    res.send(400, 'Bad To Header');
    return 'bad_request';
  }
  const auth = await deps.auth.authenticate({ kind: 'www', realm, method: 'REGISTER', header: req.get('Authorization') });
  if (!auth.ok) {
    res.send(auth.status, auth.reason, { headers: auth.headers });
    return auth.status === 401 ? 'challenged' : 'forbidden';
  }
  // A user may only register their own address-of-record.
  if (auth.user.username !== aorUser) {
    res.send(403, 'Not Your Address Of Record');
    return 'forbidden';
  }
  const register = registerRequestOf(req);
  if (!register) {
    res.send(400, 'Bad Contact Or CSeq');
    return 'bad_request';
  }
  const outcome = await deps.bindings.register({ tenantId: auth.user.tenant.tenantId, username: auth.user.username }, register);
  if (!outcome.ok) {
    const headers: Record<string, string> = outcome.minExpiresSec === undefined ? {} : { 'Min-Expires': String(outcome.minExpiresSec) };
    res.send(outcome.status, outcome.reason, { headers });
    return outcome.status === 423 ? 'interval_too_brief' : 'rejected';
  }
  const now = deps.clock.now();
  const contacts = outcome.bindings.map((b) => `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAtMs - now) / 1000))}`);
  res.send(200, { headers: contacts.length > 0 ? { Contact: contacts.join(', ') } : {} });
  return contacts.length > 0 ? 'registered' : 'unregistered';
}

/** The REGISTER's contacts, expiry, Call-ID, CSeq and source, or undefined when malformed. */
function registerRequestOf(req: SrfRequest): RegisterRequest | undefined {
  const cseq = Number((req.get('CSeq') ?? '').trim().split(/\s+/)[0]);
  if (!Number.isSafeInteger(cseq)) return undefined;
  const expiresHeader = req.get('Expires');
  const expiresHeaderSec = expiresHeader === undefined ? undefined : Number(expiresHeader);
  if (expiresHeaderSec !== undefined && !Number.isSafeInteger(expiresHeaderSec)) return undefined;
  const rawContact = (req.get('Contact') ?? '').trim();
  let contacts: RegisterRequest['contacts'];
  if (rawContact === '*') contacts = '*';
  else if (rawContact === '') contacts = []; // a query: §10.3 step 6 answers with the current bindings
  else {
    contacts = req.getParsedHeader('Contact').map((c): ContactEntry => {
      const params = lowerKeys(c.params ?? {});
      const entry: ContactEntry = { uri: c.uri };
      const exp = params['expires'];
      if (exp !== undefined && exp !== null && /^\d+$/.test(exp)) entry.expiresSec = Number(exp);
      const instance = params['+sip.instance'];
      if (instance) entry.instanceId = instance.replace(/^"|"$/g, '');
      return entry;
    });
  }
  const register: RegisterRequest = {
    contacts,
    callId: callIdOf(req),
    cseq,
    source: { transport: req.protocol, host: req.source_address, port: Number(req.source_port) },
  };
  if (expiresHeaderSec !== undefined) register.expiresHeaderSec = expiresHeaderSec;
  const ua = req.get('User-Agent');
  if (ua) register.userAgent = ua.slice(0, 200);
  return register;
}

function lowerKeys(o: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}
