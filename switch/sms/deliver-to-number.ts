// A message for a virtual number goes to its owner's registered devices, all at once; the first
// 2xx delivers it. With no device registered, none accepting, or a number that does not ring SIP
// users, the message is stored for the API (202 Accepted to the sender, RFC 3428 §7).
import type { DidFacts } from '../directory/directory.js';
import type { Binding } from '../registrar/bindings.js';
import type { IncomingMessage } from './incoming-message.js';
import { sendMessage, type MessageOutcome } from './send-message.js';

export type Delivery = 'delivered' | 'stored';

export async function deliverToNumber(msg: IncomingMessage, did: DidFacts, fromNumber: string): Promise<Delivery> {
  const { env } = msg;
  if (did.target.kind !== 'sip_users') return 'stored';
  const tenantId = did.tenant.tenantId;
  const devices = (await Promise.all(did.target.users.map((u) => env.bindings.lookup({ tenantId, username: u.username })))).flat();
  if (devices.length === 0) return 'stored';
  const realm = did.tenant.realm;
  const sends = devices.map((device) => sendToDevice(msg, device, `<sip:${fromNumber}@${realm}>`, `<sip:${did.e164}@${realm}>`));
  return (await firstAccepted(sends)) ? 'delivered' : 'stored';
}

function sendToDevice(msg: IncomingMessage, device: Binding, from: string, to: string): Promise<MessageOutcome> {
  const { env } = msg;
  // Sent over the flow the device registered from (NAT, RFC 3581), like calls to it.
  const proxy = `sip:${device.source.host}:${device.source.port};transport=${device.source.transport}`;
  return sendMessage(env.srf, env.clock, env.timeoutMs, { uri: device.contact, from, to, contentType: msg.contentType, body: msg.body, proxy });
}

/** True as soon as one send gets a 2xx; false once all have failed. */
function firstAccepted(sends: readonly Promise<MessageOutcome>[]): Promise<boolean> {
  return Promise.any(sends.map((s) => s.then((o) => (o.status < 300 ? true : Promise.reject(new Error(String(o.status))))))).then(
    () => true,
    () => false,
  );
}
