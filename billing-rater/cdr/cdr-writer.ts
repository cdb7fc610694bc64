import type { Clock } from '#lib/clock/index.js';
import { withTransaction, type Pool } from '#lib/db/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';
import { commitCalls, type TenantLedgerState } from '../ledger/index.js';
import type { RaterMetrics } from '../metrics.js';
import { raterKeys } from '../reservation/keys.js';
import type { ReservationStore } from '../reservation/index.js';
import { decodeCallEndRecord, type CallEndRecord } from './call-end-record.js';

export const CDR_GROUP = 'cdr-writer';

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint, e.g. no CDR partition for the row): retrying cannot help. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export type CdrWriterOptions = {
  /** A connection of its own: XREADGROUP BLOCK holds it. */
  redis: Redis;
  pool: Pool;
  store: ReservationStore;
  log: Logger;
  metrics: RaterMetrics | undefined;
  /** Consumer name; a restarted process with the same name re-reads what it had not acknowledged. */
  consumer: string;
  batchSize: number;
  blockMs: number;
  /** How long finished reservations stay readable in Redis. */
  keepFinishedMs: number;
  clock: Clock;
  /** Pause after a failed batch before it is retried. */
  retryMs: number;
};

type StreamReply = [string, [string, string[]][]][] | null;

/**
 * Drains the CDR stream in batches: one PostgreSQL transaction per batch writes every debit and
 * every CDR (multi-row inserts, idempotent on the call id), then the reservations are finished in
 * Redis and the entries acknowledged. A crash anywhere replays the batch harmlessly.
 */
export class CdrWriter {
  readonly #o: CdrWriterOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #pendingFirst = true;

  constructor(options: CdrWriterOptions) {
    this.#o = options;
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup('CREATE', raterKeys.cdrStream(), CDR_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
    }
  }

  /** Reads and commits one batch (own pending entries first). Returns how many entries were handled. */
  async drainOnce(blockMs = this.#o.blockMs): Promise<number> {
    const id = this.#pendingFirst ? '0' : '>';
    const args: (string | number)[] = ['GROUP', CDR_GROUP, this.#o.consumer, 'COUNT', this.#o.batchSize];
    if (id === '>' && blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', raterKeys.cdrStream(), id);
    const reply = (await (this.#o.redis as unknown as { xreadgroup(...a: (string | number)[]): Promise<StreamReply> }).xreadgroup(...args)) ?? [];
    const entries = reply[0]?.[1] ?? [];
    if (id === '0' && entries.length === 0) {
      this.#pendingFirst = false;
      return 0;
    }
    if (entries.length === 0) return 0;
    const records: CallEndRecord[] = [];
    const texts: string[] = [];
    const seen = new Set<string>();
    for (const [, fields] of entries) {
      const text = fields[1] ?? '';
      const record = decodeCallEndRecord(text);
      if (!record) {
        this.#o.log.error({ entryId: fields[0] }, 'invalid CDR record moved to the dead-letter stream');
        await this.#o.redis.xadd(raterKeys.cdrDeadLetter(), '*', 'r', fields[1] ?? '', 'error', 'undecodable record');
        continue;
      }
      if (seen.has(record.callId)) continue; // one call, one CDR and one debit
      seen.add(record.callId);
      records.push(record);
      texts.push(text);
    }
    const end = this.#o.metrics?.cdrBatchSeconds.startTimer();
    let ledger: TenantLedgerState = new Map();
    const dead = new Set<string>();
    if (records.length > 0) {
      try {
        ledger = await withTransaction(this.#o.pool, (client) => commitCalls(client, records, texts));
      } catch (err) {
        if (!isDataError(err)) throw err; // connection trouble, deadlock …: the batch stays pending and is retried
        ledger = await this.#oneByOne(records, texts, dead);
      }
    }
    end?.();
    await Promise.all(
      records
        // Records of attempts no tenant owns never hold a reservation.
        .filter((r): r is CallEndRecord & { tenantId: string } => r.reserved && r.tenantId !== null)
        .map(async (r) => {
          if (dead.has(r.callId)) {
            // Not debited: give the hold back so the balance stays true; the record waits in the dead-letter stream.
            await this.#o.store.commit({ tenantId: r.tenantId, callId: r.callId, ledger: null, bundleUsed: [], keepMs: this.#o.keepFinishedMs, finalState: 'released' });
            return;
          }
          const state = ledger.get(r.tenantId);
          const res = await this.#o.store.commit({
            tenantId: r.tenantId,
            callId: r.callId,
            ledger: state ? { balanceMinor: state.availableBaseMinor, version: state.version } : null,
            bundleUsed: r.bundleUse,
            keepMs: this.#o.keepFinishedMs,
            finalState: r.priceMinor > 0 || r.bundleUse.length > 0 ? 'committed' : 'released',
          });
          if (!res.ok && res.error !== 'RESV_NOT_FOUND') this.#o.log.warn({ callId: r.callId, error: res.error }, 'reservation not finished');
        }),
    );
    const ids = entries.map(([entryId]) => entryId);
    // XACK then XDEL in one pipelined write (MULTI keeps them together)
    await this.#o.redis.multi().xack(raterKeys.cdrStream(), CDR_GROUP, ...ids).xdel(raterKeys.cdrStream(), ...ids).exec();
    this.#o.metrics?.cdrsWritten.inc(records.length - dead.size);
    return entries.length;
  }

  /** A batch with a record PostgreSQL refuses: write the records one by one, dead-letter the refused ones. */
  async #oneByOne(records: readonly CallEndRecord[], texts: readonly string[], dead: Set<string>): Promise<TenantLedgerState> {
    const ledger: TenantLedgerState = new Map();
    for (const [i, r] of records.entries()) {
      const text = texts[i] ?? JSON.stringify(r);
      try {
        const state = await withTransaction(this.#o.pool, (client) => commitCalls(client, [r], [text]));
        for (const [tenant, v] of state) ledger.set(tenant, v);
      } catch (err) {
        if (!isDataError(err)) throw err;
        dead.add(r.callId);
        await this.#o.redis.xadd(raterKeys.cdrDeadLetter(), '*', 'r', text, 'error', (err as Error).message);
        this.#o.log.error({ err, callId: r.callId }, 'CDR refused by PostgreSQL; moved to the dead-letter stream');
      }
    }
    return ledger;
  }

  /** Drains until the stream is empty (tests, shutdown). Bounded by `maxBatches`. */
  async drainAll(maxBatches = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await this.drainOnce(0);
      if (n === 0 && !this.#pendingFirst) {
        const again = await this.drainOnce(0);
        if (again === 0) break;
        total += again;
        continue;
      }
      total += n;
    }
    return total;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        try {
          await this.drainOnce();
        } catch (err) {
          // the batch stays pending and is re-read; keep the loop alive
          this.#o.log.error({ err }, 'CDR batch failed; will retry');
          this.#pendingFirst = true;
          await new Promise<void>((resolve) => this.#o.clock.setTimer(this.#o.retryMs, resolve));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }
}
