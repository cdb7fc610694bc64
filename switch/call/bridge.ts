// The moment a call is answered: tell the rater (which reserves the first interval and may already
// know when the money runs out), then hand both dialogs to a BridgedCall.
import type { LegProfile } from '#media/index.js';
import type { TenantFacts } from '../directory/directory.js';
import type { SrfDialog } from '../srf/srf-view.js';
import { BridgedCall, type CallSide, type ReferHandler } from './bridged-call.js';
import type { CallSetup } from './call-setup.js';
import { createReferHandler } from './transfer/blind-transfer.js';

/** `bSoftphone`: the callee's leg is a registered softphone of the tenant (it may transfer). */
export async function bridge(setup: CallSetup, uas: SrfDialog, uac: SrfDialog, bProfile: LegProfile, bSoftphone = false): Promise<BridgedCall> {
  const { env, record } = setup;
  record.answeredAtMs = env.clock.now();
  setup.progress(200);
  env.metrics.finalResponses.inc({ code: '200' });
  if (record.gatewayId) env.metrics.gatewayAnswers.inc({ gateway: record.gatewayId });
  const call = new BridgedCall({
    record,
    uas,
    uac,
    media: setup.mediaSession(),
    aProfile: setup.aProfile,
    bProfile,
    aTag: setup.aTag,
    bTag: uac.sip.remoteTag,
    rating: env.rating,
    clock: env.clock,
    log: setup.log,
    metrics: env.metrics,
    releases: setup.releases,
    recording: setup.recording,
    closeMedia: () => setup.closeMedia(true),
    onEnded: (c) => env.active.delete(c.record.callId),
    ...(setup.tenant ? { onRefer: referHandlerFor(setup, setup.tenant, bSoftphone) } : {}),
  });
  env.active.set(record.callId, call);
  call.start();
  if (record.tenantId === null) return call;
  try {
    const answer = await env.rating.answer({
      callId: record.callId,
      tenantId: record.tenantId,
      caller: record.caller.slice(0, 64),
      destination: record.destination,
      direction: record.direction,
      gatewayId: record.gatewayId,
      carrierId: record.carrierId,
      startedAtMs: record.startedAtMs,
      ringAtMs: record.ringAtMs,
      answeredAtMs: record.answeredAtMs,
    });
    if (!answer.ok) await call.hangup('balance_exhausted');
    else if (answer.cutAtMs !== null) call.cutAt(answer.cutAtMs, 'balance_exhausted');
  } catch (err) {
    // Without a reservation the call would run unpaid: end it rather than risk overspending.
    setup.log.error({ err }, 'rater did not accept the answer; ending the call');
    await call.hangup('balance_exhausted');
  }
  return call;
}

/** Who may transfer: the caller when it is a softphone (every call but an inbound one), the callee when it is a device. */
function referHandlerFor(setup: CallSetup, tenant: TenantFacts, bSoftphone: boolean): ReferHandler {
  const transferable = new Set<CallSide>();
  if (setup.record.direction !== 'inbound') transferable.add('a');
  if (bSoftphone) transferable.add('b');
  return createReferHandler({ env: setup.env, tenant, transferable, identities: { a: setup.record.caller, b: setup.record.destination }, log: setup.log });
}
