// Softphone → anywhere. The caller is an authenticated SIP user (407 challenge, RFC 3261 §22.3);
// the dialled number is normalised with the tenant's country rules; a number owned on the
// platform stays on-net, anything else goes out through the carriers with one of the tenant's
// active numbers as caller ID.
import { clientLegProfile } from '#media/index.js';
import { normalizeDialled } from '../routing/index.js';
import { hostOf, userOf } from '../srf/uri.js';
import { admitTenantLimits, authorize } from './admit.js';
import type { CallSetup } from './call-setup.js';
import { dialCarriers } from './carrier-attempts.js';
import { ringTarget } from './ring-target.js';

export async function handleSoftphoneInvite(setup: CallSetup): Promise<void> {
  const { env, req, res, record } = setup;
  const realm = hostOf(req.getParsedHeader('From').uri) ?? '';
  const auth = await env.auth.authenticate({ kind: 'proxy', realm, method: 'INVITE', header: req.get('Proxy-Authorization') });
  if (!auth.ok) {
    if (auth.status === 407) {
      // A challenge is part of the handshake, not a call attempt: no CDR.
      res.send(407, auth.reason, { headers: auth.headers });
      return;
    }
    return setup.fail(403, 'Forbidden', { endReason: 'authentication_failed' });
  }
  const { user } = auth;
  const tenant = user.tenant;
  setup.tenant = tenant;
  record.tenantId = tenant.tenantId;
  record.caller = user.username;
  if (tenant.expiresAtMs !== undefined && tenant.expiresAtMs <= record.startedAtMs) return setup.fail(403, 'Account Expired', { endReason: 'tenant_expired' });
  const profile = clientLegProfile(req.body, tenant.plainRtpPolicy);
  if (!profile) return setup.fail(488, 'Not Acceptable Here', { endReason: 'plain_rtp_refused' });
  setup.aProfile = profile;
  const dialled = normalizeDialled(userOf(req.uri) ?? '', tenant.country);
  if (!dialled.ok) return setup.fail(484, 'Address Incomplete', { endReason: `dialled_${dialled.reason}` });
  const destination = dialled.e164;
  record.destination = destination;
  const did = await env.directory.did(destination, record.startedAtMs);
  record.direction = did ? 'onnet' : 'outbound';
  if (!(await admitTenantLimits(setup, tenant))) return;
  if (!(await authorize(setup, tenant, destination, record.direction))) return;
  const numbers = await env.directory.tenantNumbers(tenant.tenantId, record.startedAtMs);
  const callerId = user.callerIdE164 !== undefined && numbers.includes(user.callerIdE164) ? user.callerIdE164 : numbers[0];
  await setup.recordIf(tenant.recordingEnabled, tenant.recordingRetentionDays, callerId === undefined ? [destination] : [callerId, destination]);
  if (did) return ringTarget(setup, did.target, destination, callerId ?? user.username);
  if (!callerId) return setup.fail(403, 'No Caller ID Available', { endReason: 'no_caller_id' });
  return dialCarriers(setup, destination, callerId);
}
