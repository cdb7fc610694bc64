// An SMS to the PSTN goes out as MESSAGE through the carriers in least-cost order, like a call
// (call/gateway-order.ts), with the same failover rules (routing/failover-policy.ts): the next
// gateway on 408, 5xx, 6xx but 600/603 and no answer; never after 4xx.
import { gatewayUri, gatewaysInCostOrder } from '../call/gateway-order.js';
import { shouldFailover } from '../routing/index.js';
import type { IncomingMessage } from './incoming-message.js';
import { sendMessage } from './send-message.js';

export type CarrierOutcome = { ok: boolean; status: number; reason: string; gatewayId: string | null };

export async function sendToCarriers(msg: IncomingMessage, destination: string, callerIdE164: string): Promise<CarrierOutcome> {
  const { env } = msg;
  const gateways = await gatewaysInCostOrder(env, destination, msg.atMs);
  if (gateways.length === 0) return { ok: false, status: 404, reason: 'No Route To Destination', gatewayId: null };
  let last: CarrierOutcome = { ok: false, status: 503, reason: 'All Gateways Busy', gatewayId: null };
  for (const gw of gateways) {
    const scope = { kind: 'gateway', id: gw.gatewayId } as const;
    const member = `sms:${msg.callId}`;
    const slot = await env.limiter.acquire(scope, member, { maxConcurrent: gw.maxConcurrentCalls, maxCps: gw.maxCps });
    if (!slot.ok) {
      last = { ok: false, status: 503, reason: 'Gateway Limit Reached', gatewayId: null };
      env.metrics.gatewayAttempts.inc({ gateway: gw.gatewayId, outcome: 'limited' });
      continue;
    }
    let outcome;
    try {
      outcome = await sendMessage(env.srf, env.clock, env.timeoutMs, {
        uri: gatewayUri(gw, destination),
        from: `<sip:${callerIdE164}@localhost>`,
        to: `<sip:${destination}@${gw.address}>`,
        contentType: msg.contentType,
        body: msg.body,
      });
    } finally {
      await env.limiter.release(scope, member);
    }
    const accepted = outcome.status < 300;
    env.metrics.gatewayAttempts.inc({ gateway: gw.gatewayId, outcome: accepted ? 'accepted' : 'failed' });
    if (accepted) return { ok: true, status: outcome.status, reason: outcome.reason, gatewayId: gw.gatewayId };
    last = { ok: false, status: outcome.status, reason: outcome.reason || 'Gateway Failure', gatewayId: gw.gatewayId };
    msg.log.info({ gateway: gw.gatewayId, status: outcome.status }, 'gateway refused the message');
    if (!shouldFailover(outcome.status === 408 ? { kind: 'timeout' } : { kind: 'status', status: outcome.status })) break;
  }
  return last;
}
