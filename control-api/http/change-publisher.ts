import type { Counter } from 'prom-client';
import type { Redis } from 'ioredis';
import { changeChannel, encodeChangeEvent, type ChangeEntity } from '#lib/change-events/index.js';
import type { Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';

export type Change = { entity: ChangeEntity; op: 'created' | 'updated' | 'deleted'; id: string; tenantId: string | null; fields?: string[] };

/** Publishes change notifications (lib/change-events) after the write committed. */
export class ChangePublisher {
  readonly #redis: Redis;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #published: Counter;

  constructor(options: { redis: Redis; clock: Clock; log: Logger; published: Counter }) {
    this.#redis = options.redis;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#published = options.published;
  }

  /**
   * Never fails the request: the write is committed already. A lost notification is logged and
   * counted; subscribers reload fully on reconnect (docs/control-api.md).
   */
  async publish(changes: readonly Change[]): Promise<void> {
    for (const c of changes) {
      const message = encodeChangeEvent({ v: 1, at: this.#clock.now(), ...c });
      try {
        await this.#redis.publish(changeChannel(c.entity), message);
        this.#published.inc({ entity: c.entity, result: 'ok' });
      } catch (err) {
        this.#published.inc({ entity: c.entity, result: 'error' });
        this.#log.error({ err, entity: c.entity, id: c.id }, 'change notification not published');
      }
    }
  }
}
