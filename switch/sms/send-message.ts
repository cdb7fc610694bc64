// Sends one MESSAGE (RFC 3428) outside any dialog and waits for its final response, or for
// `timeoutMs` (then 408, as Timer F would report; RFC 3261 §17.1.2.2).
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { SrfApp } from '../srf/srf-view.js';

export type MessageOutcome = { status: number; reason: string };

export type OutgoingMessage = { uri: string; from: string; to: string; contentType: string; body: string; proxy?: string };

export async function sendMessage(srf: SrfApp, clock: Clock, timeoutMs: number, msg: OutgoingMessage): Promise<MessageOutcome> {
  let timer: TimerHandle | undefined;
  const timedOut = new Promise<MessageOutcome>((resolve) => {
    timer = clock.setTimer(timeoutMs, () => resolve({ status: 408, reason: 'Request Timeout' }));
  });
  const answered = srf
    .request(msg.uri, {
      method: 'MESSAGE',
      headers: { From: msg.from, To: msg.to, 'Content-Type': msg.contentType },
      body: msg.body,
      ...(msg.proxy === undefined ? {} : { proxy: msg.proxy }),
    })
    .then(
      (req) =>
        new Promise<MessageOutcome>((resolve) => {
          req.on('response', (res) => {
            if (res.status >= 200) resolve({ status: res.status, reason: res.reason });
          });
        }),
      // The server could not send it (no route, transport down): like a transport error.
      (): MessageOutcome => ({ status: 503, reason: 'Service Unavailable' }),
    );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clock.clearTimer(timer);
  }
}
