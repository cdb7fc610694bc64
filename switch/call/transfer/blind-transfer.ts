// Blind transfer by REFER (RFC 3515; call flow of RFC 5589 §6). A softphone of the call's tenant
// sends REFER with Refer-To naming a user or number of the same tenant: the switch answers 202,
// reports progress to the referrer in NOTIFYs (100, then the final status), rings the target with
// an offer from rtpengine for the other party, and once the target answers bridges it in the
// referrer's place (the other party re-INVITEd with rtpengine's new address) and ends the
// referrer's leg. A target that does not answer leaves the call as it was.
import type { Logger } from '#lib/log/index.js';
import type { TenantFacts } from '../../directory/directory.js';
import type { BridgedCall, CallSide, ReferHandler } from '../bridged-call.js';
import type { CallEnv } from '../call-env.js';
import { devicesSharingOneProfile } from '../device-profile.js';
import { notifyReferProgress } from './refer-notify.js';
import { ringDevices, type RingOutcome } from './ring-devices.js';
import { resolveTransferTarget, type TransferTarget } from './transfer-target.js';

export type TransferContext = {
  env: CallEnv;
  tenant: TenantFacts;
  /** Sides whose party is a softphone of the tenant (only they may transfer). */
  transferable: ReadonlySet<CallSide>;
  /** The numbers or names each side is known by, for the target's From header. */
  identities: Record<CallSide, string>;
  log: Logger;
};

export function createReferHandler(ctx: TransferContext): ReferHandler {
  return (call, side, req, res) => {
    void transfer(ctx, call, side, req.get('Refer-To'), (status, reason) => res.send(status, reason)).catch((err: unknown) => {
      ctx.log.error({ err, callId: call.record.callId }, 'transfer failed');
      if (!res.finalResponseSent) res.send(500);
    });
  };
}

async function transfer(ctx: TransferContext, call: BridgedCall, side: CallSide, referTo: string | undefined, reply: (status: number, reason: string) => void): Promise<void> {
  const { env, tenant } = ctx;
  const metric = (outcome: string) => env.metrics.transfers.inc({ outcome });
  if (!ctx.transferable.has(side)) {
    metric('refused');
    return reply(403, 'Transfer Not Allowed');
  }
  const resolved = await resolveTransferTarget(env.directory, tenant, referTo, env.clock.now());
  if (!resolved.ok) {
    metric('refused');
    return reply(resolved.status, resolved.reason);
  }
  // RFC 3515 §2.4.2 lets a REFER be refused while another is pending; 491 says "try later".
  if (!call.beginTransfer(side)) return reply(491, 'Request Pending');
  reply(202, 'Accepted');
  try {
    await moveToTarget(ctx, call, side, resolved.target);
  } catch (err) {
    // Whatever broke, the call must not stay claimed by a transfer that will never finish.
    await call.abortTransfer(side);
    throw err;
  }
}

/** After the 202: ring the target, re-INVITE the other party, swap the legs, NOTIFY the referrer. */
async function moveToTarget(ctx: TransferContext, call: BridgedCall, side: CallSide, target: TransferTarget): Promise<void> {
  const { env, tenant } = ctx;
  const metric = (outcome: string) => env.metrics.transfers.inc({ outcome });
  const referrer = call.leg(side).dialog;
  const otherSide: CallSide = side === 'a' ? 'b' : 'a';
  const other = call.leg(otherSide);
  const notify = (status: number, final: boolean) =>
    notifyReferProgress(referrer, status, final).catch((err: unknown) => ctx.log.info({ err, callId: call.record.callId }, 'NOTIFY to the referrer failed'));
  await notify(100, false);
  const registered = (await Promise.all(target.usernames.map((username) => env.bindings.lookup({ tenantId: tenant.tenantId, username })))).flat();
  const { profile, devices } = devicesSharingOneProfile(registered);
  let outcome: RingOutcome;
  try {
    const offer = await call.media.offer(other.dialog.remote.sdp, other.tag, profile);
    outcome = await ringDevices(env.srf, env.clock, devices, offer, {
      From: `<sip:${ctx.identities[otherSide]}@${tenant.realm}>`,
      To: `<sip:${target.display}@${tenant.realm}>`,
    });
  } catch (err) {
    ctx.log.warn({ err, callId: call.record.callId }, 'transfer target could not be rung');
    outcome = { ok: false, status: 503 };
  }
  if (outcome.ok) {
    const answered = outcome.dialog;
    try {
      // The new pairing has new rtpengine ports toward the other party: it learns them by a
      // re-INVITE (RFC 3261 §14.1). Its answer is not re-applied: rtpengine has its SDP from the
      // re-offer, and a second offer/answer would move the ports again.
      const towardOther = await call.media.answer(answered.remote.sdp, other.tag, answered.sip.remoteTag, other.profile);
      await call.reoffer(otherSide, towardOther);
    } catch (err) {
      ctx.log.warn({ err, callId: call.record.callId }, 'the other party could not be moved to the transfer target');
      await answered.destroy().catch(() => undefined);
      outcome = { ok: false, status: 503 };
    }
  }
  if (!outcome.ok) {
    metric('failed');
    await notify(outcome.status, true);
    return call.abortTransfer(side);
  }
  metric('completed');
  await notify(200, true);
  await call.completeTransfer(side, { dialog: outcome.dialog, tag: outcome.dialog.sip.remoteTag, profile });
}
