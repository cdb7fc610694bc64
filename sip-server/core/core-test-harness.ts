// In-memory stack and app connection for UaCore unit tests: a SipStackPort that records what the
// core sends, server transactions that record responses, and a real AppConnection fed wire frames.
import { SimulatedClock } from '#lib/clock/index.js';
import { SeededIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { AppConnection, encodeFrame, FrameDecoder, RouteTable } from '#sip-server/wire/index.js';
import { UaCore } from './ua-core.js';
import type { ClientTxn, ClientTxnUser, Endpoint, ListeningTransport, ReceivedFrom, ServerTxn, SipStackPort } from './stack-port.js';

const log = createLogger({ service: 'test', level: 'silent' });
export const UDP: ListeningTransport = { protocol: 'udp', localAddress: '127.0.0.1', localPort: 5060, externalAddress: undefined };
export const FROM_PEER: ReceivedFrom = { protocol: 'udp', remoteAddress: '127.0.0.1', remotePort: 5070, localAddress: '127.0.0.1', localPort: 5060 };

export function parse(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));
  if (!r.ok) throw r.error;
  return r.message;
}

export class MemoryStack implements SipStackPort {
  sent: { request: SipRequest; dest: Endpoint; user: ClientTxnUser }[] = [];
  stateless: SipMessage[] = [];
  cancels: SipRequest[] = [];
  #n = 0;
  transports(): readonly ListeningTransport[] {
    return [UDP];
  }
  sendRequest(request: SipRequest, dest: Endpoint, user: ClientTxnUser): ClientTxn {
    request.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKtest${++this.#n};rport`);
    this.sent.push({ request, dest, user });
    return { request, cancel: (c) => this.cancels.push(c) };
  }
  sendStateless(message: SipMessage): void {
    this.stateless.push(message);
  }
}

export class MemoryServerTxn implements ServerTxn {
  responses: SipResponse[] = [];
  readonly request: SipRequest;
  readonly source: ReceivedFrom;
  constructor(request: SipRequest, source: ReceivedFrom = FROM_PEER) {
    this.request = request;
    this.source = source;
  }
  respond(response: SipResponse): void {
    this.responses.push(response);
  }
}

/** A UaCore over MemoryStack with one authenticated app routing `invite` (plus `routes`). */
export function setup(routesToAdd: readonly string[] = [], opts: { orphanGraceMs?: number } = {}) {
  const clock = new SimulatedClock();
  const ids = new SeededIdSource(3);
  const stack = new MemoryStack();
  const routes = new RouteTable<AppConnection>();
  const core = new UaCore({ stack, routes, clock, ids, log, timers: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 }, cdrs: false, outboundProxy: undefined, ...opts });
  const decoder = new FrameDecoder();
  const frames: string[][] = [];
  /** Another authenticated app connection (e.g. the app reconnecting); returns a sender of its frames. */
  const connect = (id: string): ((leader: string, sip?: string) => void) => {
    const other = new AppConnection({
      id,
      socket: { write: (b: Buffer) => frames.push(...new FrameDecoder().push(b).frames.map((f) => f.split('\r\n'))), end: () => undefined },
      remote: { address: '127.0.0.1', port: 2 },
      identity: { secret: 's', version: 'v0.9.4', hostports: () => 'udp/127.0.0.1:5060', localHostports: () => 'udp/127.0.0.1:5060' },
      routes,
      user: core,
      ids,
      log,
    });
    let k = 0;
    const send = (leader: string, sip = ''): void => other.onData(encodeFrame(`${id}-m${++k}|${leader}${sip ? `\r\n${sip.replace(/\n/g, '\r\n')}` : ''}`));
    send('authenticate|s|');
    return send;
  };
  const conn = new AppConnection({
    id: 'app-1',
    socket: { write: (b: Buffer) => frames.push(...decoder.push(b).frames.map((f) => f.split('\r\n'))), end: () => undefined },
    remote: { address: '127.0.0.1', port: 1 },
    identity: { secret: 's', version: 'v0.9.4', hostports: () => 'udp/127.0.0.1:5060', localHostports: () => 'udp/127.0.0.1:5060' },
    routes,
    user: core,
    ids,
    log,
  });
  let n = 0;
  const app = (leader: string, sip = ''): string => {
    const id = `m${++n}`;
    conn.onData(encodeFrame(`${id}|${leader}${sip ? `\r\n${sip.replace(/\n/g, '\r\n')}` : ''}`));
    return id;
  };
  app('authenticate|s|');
  app('route|invite');
  for (const verb of routesToAdd) app(`route|${verb}`);
  frames.length = 0;
  const last = (): { fields: string[]; sip: string } => {
    const f = frames[frames.length - 1] as string[];
    return { fields: (f[0] as string).split('|'), sip: f.slice(1).join('\r\n') };
  };
  return { clock, stack, core, app, frames, last, conn, connect };
}

export const INVITE = `INVITE sip:bob@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport
Max-Forwards: 70
From: <sip:alice@127.0.0.1:5070>;tag=ftag
To: <sip:bob@127.0.0.1:5060>
Call-ID: call-1@127.0.0.1
CSeq: 1 INVITE
Contact: <sip:alice@127.0.0.1:5070>
Content-Type: application/sdp
Content-Length: 4

v=0
`;

