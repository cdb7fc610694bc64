// Model-based property: random sequences of responses, requests, TU answers, timer advances and
// transport errors never make an illegal transition, and every machine ends in Terminated with no timer left.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { createResponse, setToTag, type SipRequest } from '#sip-server/message/index.js';
import { sip } from './fake-transport.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { DEFAULT_TIMER_CONFIG } from './timers.js';
import type { MachineDeps } from './types.js';

const log = createLogger({ service: 'test', level: 'silent' });

function request(method: string): SipRequest {
  return sip(`${method} sip:b@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bKmodel
From: <sip:a@127.0.0.2>;tag=a
To: <sip:b@127.0.0.1>
Call-ID: model
CSeq: 1 ${method}
Content-Length: 0

`) as SipRequest;
}

type Ev =
  | { t: 'response'; status: number }
  | { t: 'request' }
  | { t: 'ack' }
  | { t: 'respond'; status: number }
  | { t: 'advance'; ms: number }
  | { t: 'transportError' };

const STATUSES = [100, 180, 183, 200, 202, 302, 404, 486, 503, 603];
const evArb: fc.Arbitrary<Ev> = fc.oneof(
  fc.record({ t: fc.constant('response' as const), status: fc.constantFrom(...STATUSES) }),
  fc.record({ t: fc.constant('request' as const) }),
  fc.record({ t: fc.constant('ack' as const) }),
  fc.record({ t: fc.constant('respond' as const), status: fc.constantFrom(...STATUSES) }),
  fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
  fc.record({ t: fc.constant('transportError' as const) }),
);

type Machine = InviteClientTransaction | NonInviteClientTransaction | InviteServerTransaction | NonInviteServerTransaction;
type Kind = Machine['kind'];

function build(kind: Kind, reliable: boolean, clock: SimulatedClock): { m: Machine; req: SipRequest } {
  const req = request(kind === 'ict' || kind === 'ist' ? 'INVITE' : 'OPTIONS');
  const deps: MachineDeps = { request: req, id: 'x', branch: 'z9hG4bKmodel', reliable, timers: DEFAULT_TIMER_CONFIG, clock, log, send: () => undefined };
  const events = {
    onResponse: () => undefined,
    onTimeout: () => undefined,
    onTransportError: () => undefined,
    onTerminated: () => undefined,
    onAck: () => undefined,
  };
  switch (kind) {
    case 'ict':
      return { m: new InviteClientTransaction(deps, events), req };
    case 'nict':
      return { m: new NonInviteClientTransaction(deps, events), req };
    case 'ist':
      return { m: new InviteServerTransaction(deps, events), req };
    case 'nist':
      return { m: new NonInviteServerTransaction(deps, events), req };
  }
}

function apply(m: Machine, req: SipRequest, ev: Ev, clock: SimulatedClock): void {
  const response = (status: number) => {
    const r = createResponse(req, status);
    if (status > 100) setToTag(r, 'b');
    return r;
  };
  switch (ev.t) {
    case 'response':
      if (m.kind === 'ict' || m.kind === 'nict') m.receiveResponse(response(ev.status));
      return;
    case 'request':
      if (m.kind === 'ist' || m.kind === 'nist') m.receiveRequest();
      return;
    case 'ack':
      if (m.kind === 'ist') m.receiveAck(request('ACK'));
      return;
    case 'respond':
      if (m.kind === 'ist' || m.kind === 'nist') {
        try {
          m.respond(response(ev.status));
        } catch (err) {
          // The TU answering after the final response is refused with a value-carrying error, not a state change.
          if ((err as { code?: string }).code !== 'TXN_INVALID_RESPONSE') throw err;
        }
      }
      return;
    case 'advance':
      clock.advance(ev.ms);
      return;
    case 'transportError':
      m.transportError(new Error('boom'));
      return;
  }
}

/** What the TU or the peer eventually does so that a machine can finish (a final response). */
function drain(m: Machine, req: SipRequest): void {
  if ((m.kind === 'ict' || m.kind === 'nict') && (m.state === 'calling' || m.state === 'trying' || m.state === 'proceeding')) {
    const r = createResponse(req, 486);
    setToTag(r, 'b');
    m.receiveResponse(r);
  }
  if ((m.kind === 'ist' || m.kind === 'nist') && (m.state === 'proceeding' || m.state === 'trying')) m.respond(createResponse(req, 500));
}

describe('transaction machines (model-based)', () => {
  it.each(['ict', 'nict', 'ist', 'nist'] as const)('%s: random events never make an illegal transition and always end terminated', (kind) => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(evArb, { maxLength: 40 }), (reliable, evs) => {
        const clock = new SimulatedClock(0);
        const { m, req } = build(kind, reliable, clock);
        m.start();
        for (const ev of evs) apply(m, req, ev, clock);
        drain(m, req);
        clock.advance(10 * 60_000);
        expect(m.state).toBe('terminated');
        expect(clock.pendingTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
