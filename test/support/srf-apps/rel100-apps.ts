// drachtio-srf apps for reliable provisional responses (RFC 3262), written as the srf docs show:
//  - a B2BUA (srf.createB2BUA) that offers 100rel on the B leg (srf PRACKs B's reliable 18x) and, when
//    the caller offered 100rel, asks for a reliable relay of B's reliable 18x to A with a lower-case
//    `require` response header — the key srf's createB2BUA looks at to wait for A's PRACK before the
//    200 — which the server numbers with its own RSeq and writes as `Require`;
//  - a UAS that rings with a reliable 180 (`Require: 100rel`), answers once the PRACK arrived, and
//    falls back to a plain 200 when the caller does not support 100rel (the server answers NOK).
import { APP_SDP, connectSrf, newSrf, type ServerAddress, type SrfApp, type SrfReq, type SrfRes } from './srf-view.js';

export type Rel100Events = { invites: number; pracks: number; answered: number; ended: number; refusals: string[]; errors: string[] };
export type Rel100App = { srf: SrfApp; events: Rel100Events; stop(): void };

type B2buaWithHeaders = (
  req: SrfReq,
  res: SrfRes,
  uri: string,
  opts: { localSdpB?: string; headers: Record<string, string>; responseHeaders: (uacRes: { has(name: string): boolean }) => Record<string, string> },
) => Promise<{ uas: { on(e: 'destroy', fn: () => void): void; destroy(): Promise<void> }; uac: { on(e: 'destroy', fn: () => void): void; destroy(): Promise<void> } }>;

/** srf's `res.send(status, opts, callback, fnPrack)`: fnPrack runs when the PRACK for a reliable 1xx arrives. */
/** srf calls back with the server's `NOK` text as the error. */
type ReliableSend = (status: number, opts: { headers: Record<string, string> }, callback: (err: string | null) => void, onPrack: (prack: unknown) => void) => void;

function newEvents(): Rel100Events {
  return { invites: 0, pracks: 0, answered: 0, ended: 0, refusals: [], errors: [] };
}

/** B2BUA to `target()` (host:port) keeping the called number; PRACK on each leg (see the file comment). */
export async function startRel100B2buaApp(server: ServerAddress, target: () => string): Promise<Rel100App> {
  const srf = newSrf();
  const events = newEvents();
  srf.invite((req, res) => {
    events.invites++;
    const b2bua = srf.createB2BUA.bind(srf) as unknown as B2buaWithHeaders;
    // srf's typings say string, but get() returns undefined for an absent header.
    const get = req.get.bind(req) as (name: string) => string | undefined;
    const header = (name: string): string => get(name) ?? '';
    const callerRel100 = /(^|[\s,])100rel($|[\s,])/i.test(`${header('Supported')},${header('Require')}`);
    b2bua(req, res, `sip:${req.calledNumber}@${target()}`, {
      localSdpB: req.body,
      headers: { Supported: '100rel' },
      responseHeaders: (uacRes) => (callerRel100 && uacRes.has('RSeq') ? { require: '100rel' } : {}),
    }).then(
      ({ uas, uac }) => {
        events.answered++;
        uas.on('destroy', () => {
          events.ended++;
          uac.destroy().catch((err: unknown) => events.errors.push(String(err)));
        });
        uac.on('destroy', () => {
          events.ended++;
          uas.destroy().catch((err: unknown) => events.errors.push(String(err)));
        });
      },
      (err: unknown) => events.errors.push(`createB2BUA: ${String(err)}`),
    );
  });
  await connectSrf(srf, server);
  return { srf, events, stop: () => srf.disconnect() };
}

/** UAS: reliable 180, 200 after the PRACK (plain 200 when the server refuses the reliable 180). */
export async function startReliableRingingApp(server: ServerAddress): Promise<Rel100App> {
  const srf = newSrf();
  const events = newEvents();
  const answer = (req: SrfReq, res: SrfRes): void => {
    srf.createUAS(req, res, { localSdp: APP_SDP }).then(
      (dialog) => {
        events.answered++;
        dialog.on('destroy', () => events.ended++);
      },
      (err: unknown) => events.errors.push(`createUAS: ${String(err)}`),
    );
  };
  srf.invite((req, res) => {
    events.invites++;
    const send = res.send.bind(res) as unknown as ReliableSend;
    send(
      180,
      { headers: { Require: '100rel' } },
      (err) => {
        if (err === null) return;
        events.refusals.push(err);
        answer(req, res);
      },
      () => {
        events.pracks++;
        answer(req, res);
      },
    );
  });
  await connectSrf(srf, server);
  return { srf, events, stop: () => srf.disconnect() };
}
