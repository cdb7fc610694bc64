// Softphone → number (outbound SMS). The sender is an authenticated SIP user (407 challenge,
// RFC 3261 §22.3; RFC 3428 §7 lets a proxy challenge a MESSAGE). The dialled number is normalised
// with the tenant's country rules; the tenant's limits apply, and the billing rater decides the rest
// (blocked prefix, the plan's price or an SMS bundle, money) by holding the message's price before
// it is sent. A number owned on the platform gets it on-net; anything else goes to the carriers
// with one of the tenant's active numbers as sender. A message that was sent, delivered or stored
// is settled as sent (charged once, however often the settle is repeated); any other end releases
// the hold (a crash leaves it to lapse at the rater).
import type { DenyReason } from '#lib/rater-api/index.js';
import { reasonHeader } from '../call/deny-responses.js';
import { normalizeDialled } from '../routing/index.js';
import { hostOf, userOf } from '../srf/uri.js';
import { deliverToNumber } from './deliver-to-number.js';
import type { IncomingMessage } from './incoming-message.js';
import { MessageHold } from './message-hold.js';
import { sendToCarriers } from './sms-carriers.js';
import type { SmsCharged, SmsDirection, SmsStatus } from './sms-store.js';

/** How the rater's refusal reaches the sender (Q.850 causes as for calls, deny-responses.ts). */
const RATER_REFUSALS: Readonly<Record<DenyReason, { status: number; reason: string; q850: number }>> = {
  blocked_destination: { status: 403, reason: 'Destination Blocked', q850: 21 },
  no_rate: { status: 403, reason: 'SMS Not In Price Plan', q850: 21 },
  no_balance: { status: 402, reason: 'Payment Required', q850: 21 },
  unknown_tenant: { status: 403, reason: 'Forbidden', q850: 21 },
  suspended_tenant: { status: 403, reason: 'Forbidden', q850: 21 },
  limit_reached: { status: 503, reason: 'Service Unavailable', q850: 34 },
};

export async function handleSoftphoneMessage(msg: IncomingMessage): Promise<void> {
  const { env, req } = msg;
  const realm = hostOf(req.getParsedHeader('From').uri) ?? '';
  const auth = await env.auth.authenticate({ kind: 'proxy', realm, method: 'MESSAGE', header: req.get('Proxy-Authorization') });
  if (!auth.ok) {
    // A challenge is part of the handshake, not a message: nothing recorded.
    if (auth.status === 407) return msg.reply(407, auth.reason, auth.headers);
    env.metrics.messages.inc({ direction: 'outbound', status: 'rejected' });
    return msg.reply(403, 'Forbidden');
  }
  const { user } = auth;
  const tenant = user.tenant;
  const dialledRaw = (userOf(req.uri) ?? '').slice(0, 64);
  const facts = { tenantId: tenant.tenantId, sipUserId: user.sipUserId, from: user.username, to: dialledRaw };
  let direction: SmsDirection = 'outbound';
  const finish = async (status: SmsStatus, sipStatus: number, reason: string, extra: { gatewayId?: string; headers?: Record<string, string>; charged?: SmsCharged } = {}) => {
    const record = msg.recordOf({ ...facts, direction, status, sipStatus, reason, ...(extra.gatewayId === undefined ? {} : { gatewayId: extra.gatewayId }) });
    await env.store.record(record, extra.charged);
    env.metrics.messages.inc({ direction, status });
    msg.reply(sipStatus, reason, extra.headers);
  };
  if (tenant.expiresAtMs !== undefined && tenant.expiresAtMs <= msg.atMs) return finish('rejected', 403, 'Account Expired');
  const dialled = normalizeDialled(dialledRaw, tenant.country);
  if (!dialled.ok) return finish('rejected', 484, 'Address Incomplete');
  const destination = dialled.e164;
  facts.to = destination;
  const scope = { kind: 'tenant', id: tenant.tenantId } as const;
  const member = `sms:${msg.callId}`;
  const slot = await env.limiter.acquire(scope, member, { maxConcurrent: tenant.maxConcurrentCalls, maxCps: tenant.maxCps });
  if (!slot.ok) {
    const text = slot.limit === 'concurrent' ? 'Tenant concurrent limit reached' : 'Tenant rate limit reached';
    return finish('rejected', 503, 'Service Unavailable', { headers: reasonHeader(34, text) });
  }
  try {
    const taken = await MessageHold.take(msg, tenant.tenantId, destination);
    if (!taken.ok) {
      const refusal = RATER_REFUSALS[taken.reason];
      return await finish('rejected', refusal.status, refusal.reason, { headers: reasonHeader(refusal.q850, refusal.reason) });
    }
    const { hold } = taken;
    try {
      const numbers = await env.directory.tenantNumbers(tenant.tenantId, msg.atMs);
      const callerId = user.callerIdE164 !== undefined && numbers.includes(user.callerIdE164) ? user.callerIdE164 : numbers[0];
      const did = await env.directory.did(destination, msg.atMs);
      if (did) {
        direction = 'onnet';
        const delivery = await deliverToNumber(msg, did, callerId ?? user.username);
        const charged = await hold.charge();
        return await finish(delivery, delivery === 'delivered' ? 200 : 202, delivery === 'delivered' ? 'OK' : 'Accepted', charged ? { charged } : {});
      }
      if (!callerId) {
        await hold.release();
        return await finish('rejected', 403, 'No Caller ID Available');
      }
      const sent = await sendToCarriers(msg, destination, callerId);
      const gateway = sent.gatewayId === null ? {} : { gatewayId: sent.gatewayId };
      if (sent.ok) {
        const charged = await hold.charge();
        return await finish('sent', sent.status, sent.reason || 'OK', { ...gateway, ...(charged ? { charged } : {}) });
      }
      await hold.release();
      return await finish('failed', sent.status, sent.reason, gateway);
    } finally {
      if (!hold.settled) await hold.release(); // an error before the message's fate was known
    }
  } finally {
    await env.limiter.release(scope, member);
  }
}
