// Admission steps shared by every flow: tenant limits and rater authorization. Each returns false
// after ending the call with the right final response and CDR.
import type { CallDirection } from '#lib/rater-api/index.js';
import type { TenantFacts } from '../directory/directory.js';
import type { CallSetup } from './call-setup.js';
import { DENY_RESPONSES, reasonHeader } from './deny-responses.js';

/** Takes the tenant's concurrency and CPS slot, or answers 503 with a Reason header. */
export async function admitTenantLimits(setup: CallSetup, tenant: TenantFacts): Promise<boolean> {
  const { env, record } = setup;
  const scope = { kind: 'tenant', id: tenant.tenantId } as const;
  const slot = await env.limiter.acquire(scope, record.callId, { maxConcurrent: tenant.maxConcurrentCalls, maxCps: tenant.maxCps });
  if (!slot.ok) {
    const text = slot.limit === 'concurrent' ? 'Tenant concurrent call limit reached' : 'Tenant call rate limit reached';
    await setup.fail(503, 'Service Unavailable', { headers: reasonHeader(34, text), disposition: 'rejected', endReason: `tenant_${slot.limit}_limit` });
    return false;
  }
  setup.releases.push(() => env.limiter.release(scope, record.callId));
  return true;
}

/** Asks the rater whether `tenant` may call `destination`, or ends the call with the mapped refusal. */
export async function authorize(setup: CallSetup, tenant: TenantFacts, destination: string, direction: CallDirection): Promise<boolean> {
  const { env, record } = setup;
  let verdict;
  try {
    verdict = await env.rating.authorize({ callId: record.callId, tenantId: tenant.tenantId, caller: record.caller.slice(0, 64), destination, direction, atMs: record.startedAtMs });
  } catch (err) {
    setup.log.error({ err }, 'rater unavailable');
    await setup.fail(503, 'Rating Unavailable', { headers: reasonHeader(41, 'Rating unavailable'), disposition: 'failed', endReason: 'rater_unavailable' });
    return false;
  }
  if (!verdict.allowed) {
    const deny = DENY_RESPONSES[verdict.reason];
    await setup.fail(deny.status, deny.reason, { headers: reasonHeader(deny.q850, deny.reason), disposition: 'rejected', endReason: verdict.reason });
    return false;
  }
  return true;
}
