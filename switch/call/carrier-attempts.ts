// Outbound legs over carrier gateways: least-cost order, one attempt per gateway, failover on
// 408/5xx/6xx-but-600/603 and timeouts, never on 486/600/603 (routing/failover-policy.ts).
import type { LegProfile } from '#media/index.js';
import { shouldFailover, type AttemptFailure } from '../routing/index.js';
import { isSipError, type SrfRequest } from '../srf/srf-view.js';
import { bridge } from './bridge.js';
import type { CallSetup } from './call-setup.js';
import { gatewayUri, gatewaysInCostOrder } from './gateway-order.js';
import { reliableProvisionalOptions } from './reliable-provisionals.js';

/** Dials `destination` (E.164) through the carriers with caller ID `callerIdE164`. */
export async function dialCarriers(setup: CallSetup, destination: string, callerIdE164: string): Promise<void> {
  const { env, req, res, record } = setup;
  const ordered = await gatewaysInCostOrder(env, destination, record.startedAtMs);
  if (ordered.length === 0) return setup.fail(404, 'No Route To Destination', { endReason: 'no_route' });
  const media = setup.mediaSession();
  let last: { status: number; reason: string } = { status: 503, reason: 'All Gateways Busy' };
  for (const [n, gw] of ordered.entries()) {
    if (setup.isCanceled()) break;
    const scope = { kind: 'gateway', id: gw.gatewayId } as const;
    const member = `${record.callId}:${n}`;
    const slot = await env.limiter.acquire(scope, member, { maxConcurrent: gw.maxConcurrentCalls, maxCps: gw.maxCps });
    if (!slot.ok) {
      last = { status: 503, reason: 'Gateway Limit Reached' };
      continue;
    }
    const release = () => env.limiter.release(scope, member);
    record.gatewayId = gw.gatewayId;
    record.carrierId = gw.carrierId;
    env.metrics.gatewayAttempts.inc({ gateway: gw.gatewayId });
    const bProfile: LegProfile = gw.mediaEncryption === 'srtp' ? 'srtp' : 'rtp';
    const uri = gatewayUri(gw, destination);
    let bReq: SrfRequest | undefined;
    const attempt = { timedOut: false };
    const timer = env.clock.setTimer(env.gatewayTimeoutMs, () => {
      attempt.timedOut = true;
      bReq?.cancel();
    });
    try {
      const sdpB = await media.offer(req.body, setup.aTag, bProfile);
      const { uas, uac } = await env.srf.createB2BUA(
        req,
        res,
        uri,
        {
          localSdpB: sdpB,
          localSdpA: (sdp, bRes) => media.answer(sdp, setup.aTag, bRes.getParsedHeader('To').params?.['tag'] ?? '', setup.aProfile),
          passFailure: false,
          headers: { From: `<sip:${callerIdE164}@localhost>` },
          ...reliableProvisionalOptions(req),
        },
        {
          cbRequest: (_err, r) => (bReq = r),
          cbProvisional: (p) => {
            env.clock.clearTimer(timer);
            setup.progress(p.status);
          },
        },
      );
      env.clock.clearTimer(timer);
      setup.releases.push(release);
      await bridge(setup, uas, uac, bProfile);
      return;
    } catch (err) {
      env.clock.clearTimer(timer);
      await release();
      const failure: AttemptFailure = attempt.timedOut ? { kind: 'timeout' } : isSipError(err) ? { kind: 'status', status: err.status } : { kind: 'transport_error' };
      if (setup.isCanceled()) break;
      if (failure.kind === 'status') last = { status: failure.status, reason: (isSipError(err) && err.reason) || 'Gateway Failure' };
      else last = { status: 408, reason: 'Gateway Did Not Answer' };
      setup.log.info({ gateway: gw.gatewayId, failure }, 'gateway attempt failed');
      if (!shouldFailover(failure)) break;
    }
  }
  return setup.fail(last.status, last.reason, { endReason: 'gateways_failed' });
}
