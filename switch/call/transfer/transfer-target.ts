// Where a blind transfer may go: the Refer-To URI (RFC 3515 §2.1) must name a SIP user of the
// call's tenant (user@the tenant's realm) or a virtual number the tenant owns that rings its SIP
// users. Anything else is outside the tenant and refused with 403.
import type { DirectoryReader } from '../../directory/cached-directory.js';
import type { TenantFacts } from '../../directory/directory.js';
import { normalizeDialled } from '../../routing/index.js';
import { hostOf, userOf } from '../../srf/uri.js';

export type TransferTarget = { usernames: string[]; display: string };

export type TargetResult = { ok: true; target: TransferTarget } | { ok: false; status: 400 | 403; reason: string };

export async function resolveTransferTarget(directory: DirectoryReader, tenant: TenantFacts, referTo: string | undefined, atMs: number): Promise<TargetResult> {
  const user = referTo === undefined ? undefined : userOf(referTo);
  const host = referTo === undefined ? undefined : hostOf(referTo);
  // RFC 3515 §2.4.1: a REFER without a usable Refer-To is a bad request.
  if (user === undefined || host === undefined) return { ok: false, status: 400, reason: 'Bad Refer-To' };
  if (host === tenant.realm.toLowerCase()) {
    const sipUser = await directory.sipUser(tenant.realm, user);
    if (sipUser?.enabled && sipUser.tenant.tenantId === tenant.tenantId) return { ok: true, target: { usernames: [sipUser.username], display: sipUser.username } };
  }
  const dialled = normalizeDialled(user, tenant.country);
  if (dialled.ok) {
    const did = await directory.did(dialled.e164, atMs);
    if (did?.tenant.tenantId === tenant.tenantId && did.target.kind === 'sip_users') {
      return { ok: true, target: { usernames: did.target.users.map((u) => u.username), display: did.e164 } };
    }
  }
  return { ok: false, status: 403, reason: 'Transfer Target Outside Tenant' };
}
