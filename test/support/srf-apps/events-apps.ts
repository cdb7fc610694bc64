// drachtio-srf apps for RFC 6665 subscriptions and RFC 3515 REFER, written as the srf docs show:
//  - a notifier: accepts SUBSCRIBE (srf.createUAS → 202), sends two NOTIFYs, then ends the
//    subscription (dialog.destroy → NOTIFY with Subscription-State: terminated);
//  - a subscriber: srf.createUAC with method SUBSCRIBE, answers NOTIFYs until one says terminated;
//  - a UAS that answers calls and accepts REFER in the call (dialog.on('refer')): 202, then the
//    implicit subscription's NOTIFYs with message/sipfrag bodies, 100 Trying then 200 OK (terminated).
import { APP_SDP, connectSrf, newSrf, type ServerAddress, type SrfApp, type SrfReq, type SrfRes } from './srf-view.js';

type Req = Omit<SrfReq, 'get'> & { get(name: string): string | undefined };
type Res = SrfRes & { send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void };
type EventDialog = {
  on(event: 'notify' | 'refer', fn: (req: Req, res: Res) => void): void;
  on(event: 'destroy', fn: () => void): void;
  request(opts: { method: string; headers: Record<string, string>; body?: string }): Promise<{ status: number }>;
  destroy(): Promise<unknown>;
};
type EventsSrf = {
  subscribe(fn: (req: Req, res: Res) => void): void;
  createUAS(req: Req, res: Res, opts: { headers: Record<string, string> }): Promise<EventDialog>;
  createUAC(uri: string, opts: { method: 'SUBSCRIBE'; headers: Record<string, string> }): Promise<EventDialog>;
};

export type EventsAppEvents = {
  subscriptions: number;
  notifiesSent: number;
  notifyStates: string[];
  refers: string[];
  ended: number;
  errors: string[];
};
export type EventsApp = { srf: SrfApp; events: EventsAppEvents; stop(): void };

function newEvents(): EventsAppEvents {
  return { subscriptions: 0, notifiesSent: 0, notifyStates: [], refers: [], ended: 0, errors: [] };
}

const PIDF = (status: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple id="t1"><status><basic>${status}</basic></status></tuple></presence>\r\n`;

/** Notifier: 202, two `presence` NOTIFYs, then NOTIFY terminated. */
export async function startNotifierApp(server: ServerAddress): Promise<EventsApp> {
  const srf = newSrf();
  const ev = srf as unknown as EventsSrf;
  const events = newEvents();
  ev.subscribe((req, res) => {
    ev.createUAS(req, res, { headers: { Expires: req.get('Expires') ?? '60' } }).then(
      async (dialog) => {
        events.subscriptions++;
        dialog.on('destroy', () => events.ended++);
        for (const status of ['open', 'closed']) {
          const r = await dialog.request({
            method: 'NOTIFY',
            headers: { Event: 'presence', 'Subscription-State': 'active;expires=60', 'Content-Type': 'application/pidf+xml' },
            body: PIDF(status),
          });
          if (r.status === 200) events.notifiesSent++;
        }
        await dialog.destroy(); // NOTIFY with Subscription-State: terminated
        events.ended++;
      },
      (err: unknown) => events.errors.push(`createUAS: ${String(err)}`),
    );
  });
  await connectSrf(srf, server);
  return { srf, events, stop: () => srf.disconnect() };
}

/** Subscriber: SUBSCRIBE to `uri`, records each NOTIFY's Subscription-State. Resolves once the subscription is accepted. */
export async function subscribeFromApp(app: EventsApp, uri: string): Promise<void> {
  const ev = app.srf as unknown as EventsSrf;
  const dialog = await ev.createUAC(uri, { method: 'SUBSCRIBE', headers: { Event: 'presence', Expires: '60', Accept: 'application/pidf+xml' } });
  app.events.subscriptions++;
  dialog.on('notify', (req, res) => {
    app.events.notifyStates.push(req.get('Subscription-State') ?? '');
    res.send(200);
  });
  dialog.on('destroy', () => app.events.ended++);
}

/** A connected srf instance that only originates (for subscribeFromApp). */
export async function startSubscriberApp(server: ServerAddress): Promise<EventsApp> {
  const srf = newSrf();
  await connectSrf(srf, server);
  return { srf, events: newEvents(), stop: () => srf.disconnect() };
}

/** UAS that accepts REFER inside its calls: 202, NOTIFY sipfrag 100 Trying, NOTIFY sipfrag 200 OK (terminated). */
export async function startReferAcceptingApp(server: ServerAddress): Promise<EventsApp> {
  const srf = newSrf();
  const events = newEvents();
  const sipfrag = async (dialog: EventDialog, status: string, state: string): Promise<void> => {
    const r = await dialog.request({
      method: 'NOTIFY',
      headers: { Event: 'refer', 'Subscription-State': state, 'Content-Type': 'message/sipfrag;version=2.0' },
      body: `SIP/2.0 ${status}\r\n`,
    });
    if (r.status === 200) events.notifiesSent++;
  };
  srf.invite((req, res) => {
    srf.createUAS(req, res, { localSdp: APP_SDP }).then(
      (answered) => {
        const dialog = answered as unknown as EventDialog;
        dialog.on('destroy', () => events.ended++);
        dialog.on('refer', (referReq, referRes) => {
          events.refers.push(referReq.get('Refer-To') ?? '');
          referRes.send(202);
          sipfrag(dialog, '100 Trying', 'active;expires=60')
            .then(() => sipfrag(dialog, '200 OK', 'terminated;reason=noresource'))
            .catch((err: unknown) => events.errors.push(`NOTIFY: ${String(err)}`));
        });
      },
      (err: unknown) => events.errors.push(`createUAS: ${String(err)}`),
    );
  });
  await connectSrf(srf, server);
  return { srf, events, stop: () => srf.disconnect() };
}
