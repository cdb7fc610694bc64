// Where a virtual number's calls go: the owner's registered devices rung together, a SIP URI, or
// a forward to an E.164 number (rated and routed like an outbound call).
import type { DidTarget } from '../directory/directory.js';
import { isSipError } from '../srf/srf-view.js';
import { bridge } from './bridge.js';
import type { CallSetup } from './call-setup.js';
import { dialCarriers } from './carrier-attempts.js';
import { forkToDevices } from './device-fork.js';
import { reliableProvisionalOptions } from './reliable-provisionals.js';

export async function ringTarget(setup: CallSetup, target: DidTarget, calledE164: string, callerNumber: string): Promise<void> {
  const { env } = setup;
  switch (target.kind) {
    case 'none':
      return setup.fail(480, 'Temporarily Unavailable', { endReason: 'no_routing_target' });
    case 'sip_users': {
      const tenantId = setup.record.tenantId ?? '';
      const devices = (await Promise.all(target.users.map((u) => env.bindings.lookup({ tenantId, username: u.username })))).flat();
      if (devices.length === 0) return setup.fail(480, 'Temporarily Unavailable', { endReason: 'not_registered' });
      return forkToDevices(setup, devices, calledE164, callerNumber);
    }
    case 'sip_uri':
      return b2buaToUri(setup, target.uri);
    case 'forward': {
      setup.record.destination = target.e164;
      return dialCarriers(setup, target.e164, calledE164);
    }
  }
}

async function b2buaToUri(setup: CallSetup, uri: string): Promise<void> {
  const { env, req, res } = setup;
  const media = setup.mediaSession();
  try {
    const sdpB = await media.offer(req.body, setup.aTag, 'rtp');
    const { uas, uac } = await env.srf.createB2BUA(req, res, uri, {
      localSdpB: sdpB,
      localSdpA: (sdp, bRes) => media.answer(sdp, setup.aTag, bRes.getParsedHeader('To').params?.['tag'] ?? '', setup.aProfile),
      passFailure: false,
      ...reliableProvisionalOptions(req),
    });
    await bridge(setup, uas, uac, 'rtp');
  } catch (err) {
    const status = isSipError(err) ? err.status : 502;
    await setup.fail(status, isSipError(err) ? (err.reason ?? 'Failed') : 'Bad Gateway', { endReason: 'sip_uri_failed' });
  }
}
