// A drachtio-srf app that answers what the network sends, written the way the drachtio-srf docs
// show. The called number (R-URI user) picks the behaviour:
//   404 / 486 / 503 → that final response; ring → 180 and wait (for CANCEL);
//   hangup → answer, then BYE from the app after 300 ms; anything else → answer and wait for BYE.
// OPTIONS and MESSAGE get 200; REGISTER is challenged by drachtio-mw-digest-auth (user sipp,
// password sipp-secret) and then gets 200; INFO inside a call gets 200.
import digestAuth from 'drachtio-mw-digest-auth';
import { APP_SDP, connectSrf, newSrf, type Handler, type ServerAddress, type SrfApp } from './srf-view.js';

export type AnsweringAppEvents = {
  invites: number;
  answered: number;
  destroyedByPeer: number;
  destroyedByApp: number;
  cancels: number;
  infos: number;
  options: number;
  messages: number;
  registered: number;
  reinvites: number;
  errors: string[];
};

export type AnsweringApp = { srf: SrfApp; events: AnsweringAppEvents; hostports: string; stop(): void };

export async function startAnsweringApp(server: ServerAddress): Promise<AnsweringApp> {
  const srf = newSrf();
  const events: AnsweringAppEvents = {
    invites: 0, answered: 0, destroyedByPeer: 0, destroyedByApp: 0, cancels: 0, infos: 0, options: 0, messages: 0, registered: 0, reinvites: 0, errors: [],
  };

  srf.invite((req, res) => {
    events.invites++;
    const called = req.calledNumber;
    if (called === '404' || called === '486' || called === '503') {
      res.send(Number(called));
      return;
    }
    if (called === 'ring') {
      req.on('cancel', () => events.cancels++);
      res.send(180);
      return;
    }
    srf.createUAS(req, res, { localSdp: APP_SDP }).then(
      (dialog) => {
        events.answered++;
        dialog.on('destroy', () => events.destroyedByPeer++);
        dialog.on('info', (_r, infoRes) => {
          events.infos++;
          (infoRes as unknown as { send(s: number): void }).send(200);
        });
        dialog.on('modify', (_r, modRes) => {
          events.reinvites++;
          (modRes as unknown as { send(s: number, o: { body: string }): void }).send(200, { body: APP_SDP });
        });
        if (called === 'hangup') {
          setTimeout(() => {
            dialog.destroy().then(
              () => events.destroyedByApp++,
              (err: unknown) => events.errors.push(`destroy: ${String(err)}`),
            );
          }, 300);
        }
      },
      (err: unknown) => events.errors.push(`createUAS: ${String(err)}`),
    );
  });

  srf.options((_req, res) => {
    events.options++;
    res.send(200);
  });
  srf.message((_req, res) => {
    events.messages++;
    res.send(200);
  });
  const challenge = digestAuth({
    realm: 'sip-server.test',
    passwordLookup: (username, _realm, cb) => cb(null, username === 'sipp' ? 'sipp-secret' : null),
  }) as unknown as Handler;
  srf.register(challenge, (req, res) => {
    events.registered++;
    res.send(200, { headers: { Contact: req.get('Contact'), Expires: '3600' } });
  });

  const hostports = await connectSrf(srf, server);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return; // srf asserts on a second disconnect
    stopped = true;
    srf.disconnect();
  };
  return { srf, events, hostports, stop };
}
