// Carrier → virtual number (inbound SMS). The carrier was recognised by its gateway's source ACL;
// the number must be active and unexpired (else 404), its tenant active (else 480). Inbound
// messages are not charged (the number subscription pays for them).
import type { GatewayFacts } from '../directory/directory.js';
import { reasonHeader } from '../call/deny-responses.js';
import { userOf } from '../srf/uri.js';
import { deliverToNumber } from './deliver-to-number.js';
import type { IncomingMessage } from './incoming-message.js';

export async function handleCarrierMessage(msg: IncomingMessage, gateway: GatewayFacts): Promise<void> {
  const { env, req } = msg;
  const dialled = (userOf(req.uri) ?? '').replace(/^\+/, '');
  const called = `+${dialled.startsWith(gateway.techPrefix) ? dialled.slice(gateway.techPrefix.length) : dialled}`;
  const did = /^\+[1-9]\d{1,14}$/.test(called) ? await env.directory.did(called, msg.atMs) : undefined;
  if (!did) {
    env.metrics.messages.inc({ direction: 'inbound', status: 'rejected' });
    return msg.reply(404, 'Not Found');
  }
  const from = (req.callingNumber || 'anonymous').slice(0, 64);
  const facts = { tenantId: did.tenant.tenantId, direction: 'inbound', from, to: called, gatewayId: gateway.gatewayId } as const;
  const refuse = async (status: number, reason: string, headers?: Record<string, string>) => {
    await env.store.record(msg.recordOf({ ...facts, status: 'rejected', sipStatus: status, reason }));
    env.metrics.messages.inc({ direction: 'inbound', status: 'rejected' });
    msg.reply(status, reason, headers);
  };
  if (did.tenant.status !== 'active') return refuse(480, 'Temporarily Unavailable');
  const scope = { kind: 'gateway', id: gateway.gatewayId } as const;
  const member = `sms:${msg.callId}`;
  const slot = await env.limiter.acquire(scope, member, { maxConcurrent: gateway.maxConcurrentCalls, maxCps: gateway.maxCps });
  if (!slot.ok) return refuse(503, 'Service Unavailable', reasonHeader(34, 'Gateway limit reached'));
  try {
    const delivery = await deliverToNumber(msg, did, from);
    const sipStatus = delivery === 'delivered' ? 200 : 202;
    // Recorded before the answer: a message the carrier sees accepted is never lost.
    await env.store.record(msg.recordOf({ ...facts, status: delivery, sipStatus, reason: delivery === 'delivered' ? 'OK' : 'Accepted' }));
    env.metrics.messages.inc({ direction: 'inbound', status: delivery });
    msg.reply(sipStatus, delivery === 'delivered' ? 'OK' : 'Accepted');
  } finally {
    await env.limiter.release(scope, member);
  }
}
