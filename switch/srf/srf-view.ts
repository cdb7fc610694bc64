// drachtio-srf 5 as the switch uses it, typed here because the package's bundled typings
// (lib/@types/index.d.ts) lack the per-method registration helpers and several options.
// Only the surface the switch calls is declared; the runtime object is drachtio-srf's own.
import Srf from 'drachtio-srf';

export type NameAddr = { name?: string; uri: string; params?: Record<string, string | null> };

export type SrfRequest = {
  method: string;
  uri: string;
  body: string;
  protocol: string;
  source_address: string;
  source_port: string | number;
  calledNumber: string;
  callingNumber: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  getParsedHeader(name: 'From' | 'To' | 'from' | 'to'): NameAddr;
  getParsedHeader(name: 'Contact' | 'contact'): NameAddr[];
  on(event: 'cancel', fn: () => void): void;
  /** A request the app sent: each response to it (provisional and final). */
  on(event: 'response', fn: (res: SrfResponse) => void): void;
  cancel(fn?: (err: unknown) => void): void;
  /** Set by drachtio-srf when the request is a REGISTER. */
  registration?: { type: 'register' | 'unregister'; expires: number; contact: NameAddr[]; aor: string };
};

export type SrfResponse = {
  status: number;
  reason: string;
  body: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
  getParsedHeader(name: 'To' | 'to'): NameAddr;
  send(status: number, reason?: string | { headers?: Record<string, string | string[]>; body?: string }, opts?: { headers?: Record<string, string | string[]>; body?: string }): void;
  readonly finalResponseSent: boolean;
};

export type SrfHandler = (req: SrfRequest, res: SrfResponse, next: (err?: unknown) => void) => void;

export interface SrfDialog {
  readonly id: string;
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  readonly local: { sdp: string };
  readonly remote: { sdp: string };
  on(event: 'destroy', fn: (msg: SrfRequest, reason?: string) => void): this;
  on(event: 'modify' | 'info' | 'refer' | 'update' | 'message' | 'options', fn: (req: SrfRequest, res: SrfResponse) => void): this;
  destroy(opts?: { headers?: Record<string, string> }): Promise<unknown>;
  modify(sdp: string): Promise<string>;
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<SrfResponse>;
}

export type UacOptions = { localSdp?: string; headers?: Record<string, string>; proxy?: string; auth?: { username: string; password: string } };

export type B2buaOptions = {
  localSdpB?: string;
  localSdpA?: string | ((sdpB: string, res: SrfResponse) => Promise<string>);
  headers?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  proxyRequestHeaders?: string[];
  proxyResponseHeaders?: string[];
  passFailure?: boolean;
  passProvisionalResponses?: boolean;
  proxy?: string;
};

export interface SrfApp {
  connect(opts: { host: string; port: number; secret: string }): unknown;
  disconnect(): void;
  on(event: 'connect', fn: (err: Error | null, hostport: string) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  on(event: 'disconnect', fn: () => void): this;
  use(verb: string, fn: SrfHandler): void;
  invite(fn: SrfHandler): void;
  register(fn: SrfHandler): void;
  options(fn: SrfHandler): void;
  message(fn: SrfHandler): void;
  createUAS(req: SrfRequest, res: SrfResponse, opts: { localSdp: string | (() => Promise<string>); headers?: Record<string, string> }): Promise<SrfDialog>;
  createUAC(uri: string, opts: UacOptions, progress?: { cbRequest?: (err: unknown, req?: SrfRequest) => void; cbProvisional?: (res: SrfResponse) => void }): Promise<SrfDialog>;
  createB2BUA(
    req: SrfRequest,
    res: SrfResponse,
    uri: string,
    opts: B2buaOptions,
    progress?: { cbRequest?: (err: unknown, req?: SrfRequest) => void; cbProvisional?: (res: SrfResponse) => void },
  ): Promise<{ uas: SrfDialog; uac: SrfDialog }>;
  request(uri: string, opts: { method: string; headers?: Record<string, string>; body?: string; proxy?: string }): Promise<SrfRequest>;
}

/** drachtio-srf's SipError: a failed request's final status. */
export type SipErrorLike = Error & { status: number; reason?: string };

export function isSipError(err: unknown): err is SipErrorLike {
  return err instanceof Error && typeof (err as Partial<SipErrorLike>).status === 'number';
}

/** A new drachtio-srf instance seen through SrfApp. */
export function newSrf(): SrfApp {
  return new Srf() as unknown as SrfApp;
}

/** The request's Call-ID (drachtio-srf exposes it only through `get`). */
export function callIdOf(msg: { get(name: string): string | undefined }): string {
  return msg.get('Call-ID') ?? '';
}
