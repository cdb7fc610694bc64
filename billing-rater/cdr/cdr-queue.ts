import type { Redis } from '#lib/redis/index.js';
import { raterKeys } from '../reservation/keys.js';
import type { CallEndRecord } from './call-end-record.js';

/**
 * The durable queue between call handling and PostgreSQL: a Redis stream. XADD is one round trip,
 * so the API answers the switch without waiting for the database; the CdrWriter drains it in
 * batches through a consumer group (pending entries survive a crash and are re-read on restart).
 */
export class CdrQueue {
  readonly #redis: Redis;
  readonly #maxLen: number;

  constructor(redis: Redis, maxLen = 5_000_000) {
    this.#redis = redis;
    this.#maxLen = maxLen;
  }

  async enqueue(record: CallEndRecord): Promise<void> {
    await this.#redis.xadd(raterKeys.cdrStream(), 'MAXLEN', '~', this.#maxLen, '*', 'r', JSON.stringify(record));
  }

  async enqueueMany(records: readonly CallEndRecord[]): Promise<void> {
    const pipe = this.#redis.pipeline();
    for (const r of records) pipe.xadd(raterKeys.cdrStream(), 'MAXLEN', '~', this.#maxLen, '*', 'r', JSON.stringify(r));
    await pipe.exec();
  }
}
