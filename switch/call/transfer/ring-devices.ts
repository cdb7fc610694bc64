// Rings every registered device of the transfer target at once with an offer from rtpengine; the
// first 2xx wins and the other branches are canceled (as call/device-fork.ts does for new calls).
import type { Clock } from '#lib/clock/index.js';
import type { Binding } from '../../registrar/bindings.js';
import { isSipError, type SrfApp, type SrfDialog, type SrfRequest } from '../../srf/srf-view.js';

/** How long the transfer target may ring. */
export const TRANSFER_RING_TIMEOUT_MS = 30_000;

export type RingOutcome = { ok: true; dialog: SrfDialog } | { ok: false; status: number };

export async function ringDevices(srf: SrfApp, clock: Clock, devices: readonly Binding[], offer: string, headers: { From: string; To: string }): Promise<RingOutcome> {
  if (devices.length === 0) return { ok: false, status: 480 };
  const branches = new Map<number, SrfRequest>();
  let winner = -1;
  const cancelOthers = () => {
    for (const [i, branch] of branches) if (i !== winner) branch.cancel();
  };
  const timer = clock.setTimer(TRANSFER_RING_TIMEOUT_MS, cancelOthers);
  const attempts = devices.map((device, i) =>
    srf
      .createUAC(
        device.contact,
        { localSdp: offer, proxy: `sip:${device.source.host}:${device.source.port};transport=${device.source.transport}`, headers },
        { cbRequest: (_err, r) => r && branches.set(i, r) },
      )
      .then((dialog) => ({ i, dialog })),
  );
  try {
    const first = await Promise.any(attempts);
    winner = first.i;
    cancelOthers();
    // A branch that answered in the same instant as the winner is hung up at once.
    for (const [i, attempt] of attempts.entries()) {
      if (i !== winner) attempt.then(({ dialog }) => dialog.destroy(), () => undefined).catch(() => undefined);
    }
    return { ok: true, dialog: first.dialog };
  } catch (err) {
    const statuses = (err as AggregateError).errors.map((e: unknown) => (isSipError(e) ? e.status : 408));
    return { ok: false, status: statuses.includes(486) ? 486 : statuses.includes(603) ? 603 : 480 };
  } finally {
    clock.clearTimer(timer);
  }
}
