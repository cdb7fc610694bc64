// A drachtio-srf B2BUA: every INVITE is bridged with srf.createB2BUA to `target` (host:port),
// keeping the called number; BYE on either leg ends the other (drachtio-srf docs' pattern).
import { connectSrf, newSrf, type ServerAddress, type SrfApp } from './srf-view.js';

export type B2buaAppEvents = { invites: number; connected: number; failed: number; ended: number; errors: string[] };
export type B2buaApp = { srf: SrfApp; events: B2buaAppEvents; stop(): void };

/** `target` is host:port[;transport=x] of the B side, or a function read per call (tests change it). */
export async function startB2buaApp(server: ServerAddress, target: string | (() => string)): Promise<B2buaApp> {
  const srf = newSrf();
  const events: B2buaAppEvents = { invites: 0, connected: 0, failed: 0, ended: 0, errors: [] };
  srf.invite((req, res) => {
    events.invites++;
    srf.createB2BUA(req, res, `sip:${req.calledNumber}@${typeof target === 'string' ? target : target()}`, { localSdpB: req.body }).then(
      ({ uas, uac }) => {
        events.connected++;
        uas.on('destroy', () => {
          events.ended++;
          uac.destroy().catch((err: unknown) => events.errors.push(String(err)));
        });
        uac.on('destroy', () => {
          events.ended++;
          uas.destroy().catch((err: unknown) => events.errors.push(String(err)));
        });
      },
      (err: unknown) => {
        events.failed++;
        // A SipError (final non-2xx from the B leg) carries a status; anything else is a real error.
        if (typeof err !== 'object' || err === null || !('status' in err)) events.errors.push(String(err));
      },
    );
  });
  await connectSrf(srf, server);
  return { srf, events, stop: () => srf.disconnect() };
}
