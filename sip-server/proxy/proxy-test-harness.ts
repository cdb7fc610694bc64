// In-memory stack, server transaction and app report sink for ProxySession / SipProxy unit tests.
import { SimulatedClock } from '#lib/clock/index.js';
import { SeededIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import type { CdrEvent, ClientTxn, ClientTxnUser, Endpoint, ListeningTransport, ReceivedFrom, ServerTxn, SipStackPort } from '#sip-server/core/index.js';
import { createResponse, parseMessage, type SipMessage, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import type { ServerMessage } from '#sip-server/wire/index.js';
import type { ProxyDeps } from './proxy-session.js';

export const UDP: ListeningTransport = { protocol: 'udp', localAddress: '127.0.0.1', localPort: 5060, externalAddress: undefined };
export const CALLER: ReceivedFrom = { protocol: 'udp', remoteAddress: '127.0.0.1', remotePort: 5070, localAddress: '127.0.0.1', localPort: 5060 };

export const INVITE = [
  'INVITE sip:bob@127.0.0.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKcaller;rport=5070;received=127.0.0.1',
  'From: <sip:alice@127.0.0.1:5070>;tag=ftag',
  'To: <sip:bob@127.0.0.1:5060>',
  'Call-ID: call-1@127.0.0.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@127.0.0.1:5070>',
  'Max-Forwards: 70',
  'Content-Length: 0',
  '',
  '',
].join('\n');

export function parse(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));
  if (!r.ok) throw r.error;
  return r.message;
}

/** One request the proxy sent, with hooks to answer it as the network would. */
export type SentBranch = { request: SipRequest; dest: Endpoint; user: ClientTxnUser; canceled: number };

export class MemoryStack implements SipStackPort {
  readonly sent: SentBranch[] = [];
  readonly stateless: { message: SipMessage; dest: Endpoint }[] = [];
  #n = 0;
  transports(): readonly ListeningTransport[] {
    return [UDP];
  }
  sendRequest(request: SipRequest, dest: Endpoint, user: ClientTxnUser): ClientTxn {
    request.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKproxy${++this.#n};rport`);
    const s: SentBranch = { request, dest, user, canceled: 0 };
    this.sent.push(s);
    return { request, cancel: () => s.canceled++ };
  }
  sendStateless(message: SipMessage, dest: Endpoint): void {
    this.stateless.push({ message, dest });
  }
}

export class MemoryServerTxn implements ServerTxn {
  readonly responses: SipResponse[] = [];
  readonly request: SipRequest;
  readonly source: ReceivedFrom = CALLER;
  /** Like the real INVITE server transaction: nothing after a non-2xx final (RFC 3261 §17.2.1). */
  readonly strict: boolean;
  constructor(request: SipRequest, strict = false) {
    this.request = request;
    this.strict = strict;
  }
  respond(response: SipResponse): void {
    const final = this.responses.find((r) => r.status >= 200);
    if (this.strict && final !== undefined && (final.status >= 300 || response.status < 200 || response.status >= 300)) {
      throw new Error(`response ${response.status} after final ${final.status}`);
    }
    this.responses.push(response);
  }
}

/** The network answering branch `s` from `port` (status with an optional To tag and extra headers). */
export function answer(s: SentBranch, status: number, headers: Record<string, string> = {}): void {
  const res = createResponse(s.request, status, undefined, status > 100 ? { toTag: `t${s.dest.port}` } : {});
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  s.user.onResponse(res, { protocol: 'udp', remoteAddress: s.dest.address, remotePort: s.dest.port, localAddress: '127.0.0.1', localPort: 5060 });
}

export function makeDeps() {
  const clock = new SimulatedClock();
  const stack = new MemoryStack();
  const cdrs: CdrEvent[] = [];
  const deps: ProxyDeps = {
    stack,
    clock,
    ids: new SeededIdSource(7),
    log: createLogger({ service: 'test', level: 'silent' }),
    t1Ms: 500,
    timerCMs: 185_000,
    outboundProxy: undefined,
    cdr: (e) => cdrs.push(e),
  };
  const reports: ServerMessage[] = [];
  return { clock, stack, cdrs, deps, reports };
}
