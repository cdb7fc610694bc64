// Carrier → virtual number. The carrier was recognised by its gateway's source ACL; the number
// must be active and unexpired, else 404 (with a CDR).
import type { LegProfile } from '#media/index.js';
import type { GatewayFacts } from '../directory/directory.js';
import { userOf } from '../srf/uri.js';
import { admitTenantLimits, authorize } from './admit.js';
import type { CallSetup } from './call-setup.js';
import { reasonHeader } from './deny-responses.js';
import { ringTarget } from './ring-target.js';

export async function handleCarrierInvite(setup: CallSetup, gateway: GatewayFacts): Promise<void> {
  const { env, req, record } = setup;
  record.direction = 'inbound';
  record.gatewayId = gateway.gatewayId;
  record.carrierId = gateway.carrierId;
  record.caller = req.callingNumber || 'anonymous';
  setup.aProfile = gateway.mediaEncryption === 'srtp' ? 'srtp' : ('rtp' satisfies LegProfile);
  const dialled = (userOf(req.uri) ?? '').replace(/^\+/, '');
  const called = `+${dialled.startsWith(gateway.techPrefix) ? dialled.slice(gateway.techPrefix.length) : dialled}`;
  record.destination = /^\+\d{1,15}$/.test(called) ? called : '+0';
  const did = /^\+[1-9]\d{1,14}$/.test(called) ? await env.directory.did(called, record.startedAtMs) : undefined;
  if (!did) return setup.fail(404, 'Not Found', { endReason: 'unknown_number' });
  record.tenantId = did.tenant.tenantId;
  setup.tenant = did.tenant;
  await setup.recordIf(did.tenant.recordingEnabled || did.recordingEnabled, did.tenant.recordingRetentionDays, [called]);
  if (did.tenant.status !== 'active') return setup.fail(480, 'Temporarily Unavailable', { endReason: 'tenant_not_active' });
  const gwScope = { kind: 'gateway', id: gateway.gatewayId } as const;
  const gwSlot = await env.limiter.acquire(gwScope, record.callId, { maxConcurrent: gateway.maxConcurrentCalls, maxCps: gateway.maxCps });
  if (!gwSlot.ok) {
    return setup.fail(503, 'Service Unavailable', { headers: reasonHeader(34, 'Gateway limit reached'), disposition: 'rejected', endReason: `gateway_${gwSlot.limit}_limit` });
  }
  setup.releases.push(() => env.limiter.release(gwScope, record.callId));
  if (!(await admitTenantLimits(setup, did.tenant))) return;
  if (!(await authorize(setup, did.tenant, called, 'inbound'))) return;
  await ringTarget(setup, did.target, called, record.caller);
}
