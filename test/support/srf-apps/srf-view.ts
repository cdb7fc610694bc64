// The parts of drachtio-srf 5 these test apps use, typed here because the package's bundled
// typings (lib/@types/index.d.ts) lack the per-method helpers (srf.register, srf.options, ...).
import Srf from 'drachtio-srf';

export type SrfReq = Srf.SrfRequest & { calledNumber: string; uri: string; body: string; on(event: 'cancel', fn: () => void): void };
export type SrfRes = Srf.SrfResponse & { send(status: number, opts?: { headers?: Record<string, string>; body?: string }): void };
export type Handler = (req: SrfReq, res: SrfRes, next: () => void) => void;
export type SrfDialog = Omit<Srf.Dialog, 'destroy'> & { destroy(): Promise<void> };

/** drachtio-srf 5 as these apps use it. */
export interface SrfApp {
  connect(opts: { host: string; port: number; secret: string }): unknown;
  disconnect(): void;
  on(event: 'connect', fn: (err: Error | null, hostport: string) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  use(verb: string, ...fns: Handler[]): void;
  invite(fn: Handler): void;
  register(...fns: Handler[]): void;
  options(fn: Handler): void;
  message(fn: Handler): void;
  info(fn: Handler): void;
  request(uri: string, opts: { method: string; headers?: Record<string, string>; body?: string; proxy?: string }): Promise<SrfReq & { on(event: 'response', fn: (res: SrfRes & { status: number }) => void): void }>;
  createUAS(req: SrfReq, res: SrfRes, opts: { localSdp: string; headers?: Record<string, string> }): Promise<SrfDialog>;
  createUAC(uri: string, opts: { localSdp: string; headers?: Record<string, string>; proxy?: string }, progress?: { cbRequest?: (err: unknown, req: SrfReq) => void }): Promise<SrfDialog>;
  createB2BUA(req: SrfReq, res: SrfRes, uri: string, opts: { localSdpB?: string; passFailure?: boolean; proxy?: string }): Promise<{ uas: SrfDialog; uac: SrfDialog }>;
}

/** A new srf instance (optionally with tags) seen through SrfApp. */
export function newSrf(tags?: string[]): SrfApp {
  return (tags ? new Srf(tags) : new Srf()) as unknown as SrfApp;
}

export type ServerAddress = { host: string; port: number; secret: string };

/** Connects and resolves with the server's hostports once srf emitted `connect`. */
export function connectSrf(srf: SrfApp, server: ServerAddress, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('srf did not connect in time')), timeoutMs);
    srf.on('connect', (err, hostport) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(hostport);
    });
    srf.on('error', () => undefined);
    srf.connect(server);
  });
}

/** A fixed SDP answer/offer for apps that do not anchor media. */
export const APP_SDP = ['v=0', 'o=app 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
