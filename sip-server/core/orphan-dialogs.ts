// Protocol §5.10 Recommendation (/work/shared/drachtio-protocol.md): dialogs whose app connection
// dropped are kept for a grace period, then the server ends them itself. The C++ server keeps them
// until the far end sends something, so a far end that never does leaks a dialog for ever.
// - On disconnect: one clock timer per dialog the connection owned (`SIPSRV_ORPHAN_DIALOG_GRACE_SEC`).
// - In the grace period the app (reconnected, on any connection) may still act on a dialog by its
//   dialog id, as with the C++ server; the first request it sends in the dialog adopts it: that
//   connection owns it from then on and no teardown happens. A reconnection alone adopts nothing
//   (drachtio's wire protocol has no session to resume, so the server cannot tell which app it is).
// - Network requests in an orphaned dialog keep getting 481 (a BYE ends it), as in the C++ server.
// - At the end of the grace period the core's `onOrphanGraceEnd` ends the dialog (BYE for a confirmed
//   INVITE dialog, ua-core.ts).
import type { Dialog } from '#sip-server/dialog/index.js';
import type { AppConnection } from '#sip-server/wire/index.js';
import type { CoreContext } from './core-context.js';

/** Starts the grace period of every dialog `conn` owned; no-op when the grace is 0 (kept as the C++ server does). */
export function orphanDialogs(ctx: CoreContext, conn: AppConnection): void {
  if (ctx.orphanGraceMs <= 0) return;
  for (const dialog of ctx.dialogs.ownedBy(conn.id)) {
    if (ctx.orphans.has(dialog.id)) continue;
    const timer = ctx.clock.setTimer(ctx.orphanGraceMs, () => {
      ctx.orphans.delete(dialog.id);
      // Ended meanwhile (network BYE, ACK timeout) or adopted: nothing to do.
      if (ctx.dialogs.get(dialog.id) !== dialog || dialog.ownerId !== conn.id) return;
      ctx.onOrphanGraceEnd(dialog);
    });
    ctx.orphans.set(dialog.id, timer);
  }
}

/** An app sent a request in `dialog`: if the dialog is orphaned, `conn` adopts it and its teardown is called off. */
export function adoptOrphan(ctx: CoreContext, dialog: Dialog, conn: AppConnection): void {
  const timer = ctx.orphans.get(dialog.id);
  if (timer === undefined) return;
  ctx.clock.clearTimer(timer);
  ctx.orphans.delete(dialog.id);
  dialog.ownerId = conn.id;
  ctx.log.info({ dialogId: dialog.id }, 'orphaned dialog adopted by an app connection');
}

/** Calls off every pending teardown (shutdown). */
export function clearOrphans(ctx: CoreContext): void {
  for (const timer of ctx.orphans.values()) ctx.clock.clearTimer(timer);
  ctx.orphans.clear();
}
