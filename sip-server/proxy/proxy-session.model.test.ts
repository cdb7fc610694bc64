// Model-based run of the proxy (fast-check): any interleaving of branch responses, transport
// failures, upstream CANCELs and time never throws, always ends the session with exactly one
// `done` or `NOK` to the app, and sends the caller exactly one final response (2xx may repeat).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import type { SipRequest } from '#sip-server/message/index.js';
import { AppConnection, decodeAppMessage, FrameDecoder, RouteTable } from '#sip-server/wire/index.js';
import { answer, INVITE, makeDeps, MemoryServerTxn, parse } from './proxy-test-harness.js';
import { SipProxy } from './sip-proxy.js';

const STATUSES = [100, 180, 183, 200, 302, 401, 407, 486, 487, 503, 603] as const;

type Step =
  | { kind: 'response'; branch: number; status: (typeof STATUSES)[number] }
  | { kind: 'failure'; branch: number; timeout: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'cancel' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('response' as const), branch: fc.nat(5), status: fc.constantFrom(...STATUSES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('failure' as const), branch: fc.nat(5), timeout: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(100, 1000, 2000, 40_000, 190_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
);

describe('SipProxy model (fast-check)', () => {
  it('always ends with one final upstream and one done/NOK to the app', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('', '1s'),
        fc.constantFrom('', '3s'),
        fc.array(step, { maxLength: 25 }),
        (targets, simultaneous, followRedirects, provisional, final, steps) => {
          const h = makeDeps();
          const proxy = new SipProxy(h.deps);
          const frames: string[] = [];
          const decoder = new FrameDecoder();
          const conn = new AppConnection({
            id: 'a',
            socket: { write: (b: Buffer) => frames.push(...decoder.push(b).frames), end: () => undefined },
            remote: { address: '127.0.0.1', port: 1 },
            identity: { secret: 's', version: 'v0.9.4', hostports: () => '', localHostports: () => '' },
            routes: new RouteTable<AppConnection>(),
            user: { onAppSip: () => undefined, onAppProxy: () => undefined, onConnectionClosed: () => undefined },
            ids: new SeededIdSource(1),
            log: createLogger({ service: 'test', level: 'silent' }),
          });
          const dests = Array.from({ length: targets }, (_, i) => `sip:127.0.0.1:${5080 + i}`);
          const leader = `m1|proxy|T1|remainInDialog|fullResponse|${followRedirects ? 'followRedirects' : ''}|${simultaneous ? 'simultaneous' : 'serial'}|${provisional}|${final}|${dests.join('|')}`;
          const decoded = decodeAppMessage(`${leader}\r\nINVITE ${dests[0] ?? ''} SIP/2.0\r\n\r\n`);
          if (!decoded.ok || decoded.message.kind !== 'proxy') throw new Error('bad frame');
          const txn = new MemoryServerTxn(parse(INVITE) as SipRequest, true);
          proxy.start({ conn, command: decoded.message, txn });
          const redirectTo = (n: number): Record<string, string> => ({ Contact: `<sip:127.0.0.1:${6000 + n}>` });
          for (const s of steps) {
            if (s.kind === 'advance') h.clock.advance(s.ms);
            else if (s.kind === 'cancel') proxy.onCancel(txn, parse(INVITE.replace(/INVITE/g, 'CANCEL')) as SipRequest);
            else {
              const sent = h.stack.sent[s.branch % Math.max(1, h.stack.sent.length)];
              if (!sent) continue;
              if (s.kind === 'failure') sent.user.onFailure(s.timeout ? 'timeout' : 'transport');
              else answer(sent, s.status, s.status === 302 ? redirectTo(h.stack.sent.length) : s.status === 401 ? { 'WWW-Authenticate': 'Digest nonce="n"' } : {});
            }
          }
          // Every branch still out eventually ends (Timer B/F as a timeout), and timers run out.
          for (let i = 0; i < 10 && proxy.stats.sessions > 0; i++) {
            for (const s of h.stack.sent) s.user.onFailure('timeout');
            h.clock.advance(200_000);
          }
          expect(proxy.stats.sessions).toBe(0);
          const ends = frames.filter((f) => /\|OK\|done$/.test(f) || /\|NOK\|/.test(f));
          expect(ends).toHaveLength(1);
          const finals = txn.responses.filter((r) => r.status >= 200);
          expect(finals.length).toBeGreaterThanOrEqual(1);
          if ((finals[0]?.status ?? 0) >= 300) expect(finals).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
