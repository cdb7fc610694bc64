// Sends commands about live calls to the switch instances and waits for their answers
// (lib/call-commands). PUBLISH tells how many instances received the command; the first answer
// other than `not_found` decides, and when every instance said `not_found` the call is not live.
import type { Redis } from 'ioredis';
import {
  CALL_COMMAND_CHANNEL,
  callCommandReplyChannel,
  callCommandReplySchema,
  decodeCallMessage,
  type CallCommandAction,
  type CallCommandResult,
} from '#lib/call-commands/index.js';
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';

/** What the switches answered; `no_switch` when none is subscribed, `timeout` when one stayed silent. */
export type CommandOutcome = CallCommandResult | 'no_switch' | 'timeout';

type Pending = { expected: number; notFound: number; timer: TimerHandle | undefined; resolve: (o: CommandOutcome) => void };

export class CallCommander {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #replyTo: string;
  readonly #pending = new Map<string, Pending>();
  #subscribed: Promise<unknown> | undefined;

  constructor(options: { redis: Redis; clock: Clock; ids: IdSource; log: Logger; timeoutMs?: number }) {
    this.#publisher = options.redis;
    // A connection in subscriber mode can do nothing else: a dedicated one, opened on first use.
    this.#subscriber = options.redis.duplicate({ lazyConnect: true });
    this.#clock = options.clock;
    this.#ids = options.ids;
    this.#log = options.log;
    this.#timeoutMs = options.timeoutMs ?? 3_000;
    this.#replyTo = callCommandReplyChannel(this.#ids.uuid());
    this.#subscriber.on('message', (_channel: string, message: string) => this.#onReply(message));
  }

  /** Asks the switches to apply `action` to the workspace's live call `callId`. */
  async send(tenantId: string, callId: string, action: CallCommandAction): Promise<CommandOutcome> {
    this.#subscribed ??= this.#subscriber.subscribe(this.#replyTo);
    await this.#subscribed;
    const requestId = this.#ids.uuid();
    const outcome = new Promise<CommandOutcome>((resolve) => {
      this.#pending.set(requestId, { expected: Number.POSITIVE_INFINITY, notFound: 0, timer: undefined, resolve });
    });
    const receivers = await this.#publisher.publish(CALL_COMMAND_CHANNEL, JSON.stringify({ v: 1, requestId, callId, tenantId, action, replyTo: this.#replyTo }));
    const pending = this.#pending.get(requestId);
    if (pending) {
      if (receivers === 0) this.#finish(requestId, 'no_switch');
      else {
        pending.expected = receivers;
        if (pending.notFound >= receivers) this.#finish(requestId, 'not_found');
        else pending.timer = this.#clock.setTimer(this.#timeoutMs, () => this.#finish(requestId, 'timeout'));
      }
    }
    return outcome;
  }

  #onReply(message: string): void {
    const reply = decodeCallMessage(callCommandReplySchema, message);
    if (!reply) {
      this.#log.warn('call command reply outside the contract');
      return;
    }
    const pending = this.#pending.get(reply.requestId);
    if (!pending) return;
    if (reply.result !== 'not_found') this.#finish(reply.requestId, reply.result);
    else if (++pending.notFound >= pending.expected) this.#finish(reply.requestId, 'not_found');
  }

  #finish(requestId: string, outcome: CommandOutcome): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    this.#pending.delete(requestId);
    this.#clock.clearTimer(pending.timer);
    pending.resolve(outcome);
  }

  async close(): Promise<void> {
    for (const id of [...this.#pending.keys()]) this.#finish(id, 'timeout');
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }
}
