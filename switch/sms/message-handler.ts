// Every out-of-dialog MESSAGE (RFC 3428) is an SMS: from a carrier gateway (source address in a
// gateway ACL) it is inbound; otherwise it must come from an authenticated softphone.
import type { SrfRequest, SrfResponse } from '../srf/srf-view.js';
import { handleCarrierMessage } from './carrier-message.js';
import { IncomingMessage, MAX_MESSAGE_BODY_BYTES } from './incoming-message.js';
import type { SmsEnv } from './sms-env.js';
import { handleSoftphoneMessage } from './softphone-message.js';

export function createMessageHandler(env: SmsEnv): (req: SrfRequest, res: SrfResponse) => void {
  return (req, res) => {
    const msg = new IncomingMessage(env, req, res);
    route(msg).catch((err: unknown) => {
      msg.log.error({ err }, 'MESSAGE handling failed');
      env.metrics.messages.inc({ direction: 'unknown', status: 'error' });
      msg.reply(500, 'Server Internal Error');
    });
  };
}

async function route(msg: IncomingMessage): Promise<void> {
  // RFC 3428 §5: a MESSAGE carries its content in the body; oversize bodies get 413.
  if (msg.body.length === 0) return msg.reply(400, 'Empty Message');
  if (Buffer.byteLength(msg.body) > MAX_MESSAGE_BODY_BYTES) return msg.reply(413, 'Request Entity Too Large');
  const gateway = await msg.env.directory.gatewayBySource(msg.req.source_address);
  if (gateway) return handleCarrierMessage(msg, gateway);
  return handleSoftphoneMessage(msg);
}
