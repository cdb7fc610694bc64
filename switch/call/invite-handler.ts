// Every new INVITE: from a carrier gateway (source address in a gateway ACL) it is inbound;
// otherwise it must come from an authenticated softphone.
import type { SrfRequest, SrfResponse } from '../srf/srf-view.js';
import type { CallEnv } from './call-env.js';
import { CallSetup } from './call-setup.js';
import { handleCarrierInvite } from './inbound-flow.js';
import { handleSoftphoneInvite } from './softphone-flow.js';

export function createInviteHandler(env: CallEnv): (req: SrfRequest, res: SrfResponse) => void {
  return (req, res) => {
    const setup = new CallSetup(env, req, res);
    route(setup).catch(async (err: unknown) => {
      setup.log.error({ err }, 'call setup failed');
      await setup.fail(500, 'Server Internal Error', { endReason: 'internal_error' });
    });
  };
}

async function route(setup: CallSetup): Promise<void> {
  const gateway = await setup.env.directory.gatewayBySource(setup.req.source_address);
  if (gateway) return handleCarrierInvite(setup, gateway);
  return handleSoftphoneInvite(setup);
}
