// Rings every registered device of the target users at once (parallel forking by the B2BUA):
// the first 2xx wins, the other branches are canceled, and the caller's leg is answered with the
// winner's media (RFC 3261 §16.7 behaviour, done by a B2BUA rather than a proxy).
import type { Binding } from '../registrar/bindings.js';
import type { SrfDialog, SrfRequest } from '../srf/srf-view.js';
import { isSipError } from '../srf/srf-view.js';
import { bridge } from './bridge.js';
import { devicesSharingOneProfile } from './device-profile.js';
import type { CallSetup } from './call-setup.js';

/** How long devices may ring before the caller gets 480. */
const RING_TIMEOUT_MS = 45_000;

export async function forkToDevices(setup: CallSetup, registered: readonly Binding[], calledE164: string, callerNumber: string): Promise<void> {
  const { env, req, res } = setup;
  const { profile, devices } = devicesSharingOneProfile(registered);
  const media = setup.mediaSession();
  const offer = await media.offer(req.body, setup.aTag, profile);
  const branches = new Map<number, SrfRequest>();
  let winnerIndex = -1;
  let ringingSent = false;
  const cancelOthers = () => {
    for (const [i, branch] of branches) if (i !== winnerIndex) branch.cancel();
  };
  req.on('cancel', cancelOthers);
  const timer = env.clock.setTimer(RING_TIMEOUT_MS, cancelOthers);
  const attempts = devices.map((device, i) =>
    env.srf
      .createUAC(
        device.contact,
        {
          localSdp: offer,
          proxy: `sip:${device.source.host}:${device.source.port};transport=${device.source.transport}`,
          headers: { From: `<sip:${callerNumber}@localhost>`, To: `<sip:${calledE164}@localhost>` },
        },
        {
          cbRequest: (_err, r) => {
            if (r) branches.set(i, r);
          },
          cbProvisional: (p) => {
            setup.progress(p.status);
            if (p.status === 180 && !ringingSent && !res.finalResponseSent) {
              ringingSent = true;
              res.send(180);
            }
          },
        },
      )
      .then((dialog) => ({ i, dialog })),
  );
  let winner: { i: number; dialog: SrfDialog };
  try {
    winner = await Promise.any(attempts);
  } catch (err) {
    env.clock.clearTimer(timer);
    const statuses = (err as AggregateError).errors.map((e: unknown) => (isSipError(e) ? e.status : 408));
    const status = statuses.includes(486) ? 486 : statuses.includes(603) ? 603 : 480;
    return setup.fail(status, status === 486 ? 'Busy Here' : status === 603 ? 'Decline' : 'Temporarily Unavailable', { endReason: 'no_device_answered' });
  }
  env.clock.clearTimer(timer);
  winnerIndex = winner.i;
  cancelOthers();
  // A branch that answered in the same instant as the winner is hung up at once.
  for (const [i, attempt] of attempts.entries()) {
    if (i !== winnerIndex) attempt.then(({ dialog }) => dialog.destroy(), () => undefined).catch(() => undefined);
  }
  if (setup.isCanceled()) {
    await winner.dialog.destroy().catch(() => undefined);
    return setup.fail(487, 'Request Terminated');
  }
  try {
    const sdpA = await media.answer(winner.dialog.remote.sdp, setup.aTag, winner.dialog.sip.remoteTag, setup.aProfile);
    const uas = await env.srf.createUAS(req, res, { localSdp: sdpA });
    await bridge(setup, uas, winner.dialog, profile, true);
  } catch (err) {
    setup.log.warn({ err }, 'caller leg could not be answered');
    await winner.dialog.destroy().catch(() => undefined);
    await setup.fail(500, 'Server Internal Error', { endReason: 'answer_failed' });
  }
}
