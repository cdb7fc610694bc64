// The staff diagnostic-recording flags of a workspace (sql/migrations/0031_diagnostic_recordings.sql),
// read at call setup through a short cache: the control API publishes a `tenant` change event when
// staff open or close a window, which clears it at once; the TTL bounds staleness if it is lost.
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import { TtlCache } from '../directory/ttl-cache.js';
import type { DiagnosticFlag } from './recording-rule.js';

export interface DiagnosticFlagReader {
  /** Flags of the workspace whose window had not ended at `nowMs` (current and future ones). */
  forTenant(tenantId: string, nowMs: number): Promise<DiagnosticFlag[]>;
}

export class DiagnosticFlags implements DiagnosticFlagReader {
  readonly #pool: Pool;
  readonly #cache: TtlCache<DiagnosticFlag[]>;

  constructor(options: { pool: Pool; clock: Clock; ttlMs: number }) {
    this.#pool = options.pool;
    this.#cache = new TtlCache(options.clock, options.ttlMs);
  }

  forTenant(tenantId: string, nowMs: number): Promise<DiagnosticFlag[]> {
    return this.#cache.get(tenantId, async () => {
      const r = await this.#pool.query<{ id: string; e164: string | null; starts_at: Date; ends_at: Date }>(
        `SELECT f.id, n.e164, f.starts_at, f.ends_at
           FROM diagnostic_recording_flags f LEFT JOIN numbers n ON n.id = f.number_id
          WHERE f.tenant_id = $1 AND f.ends_at > to_timestamp($2 / 1000.0)`,
        [tenantId, nowMs],
      );
      return r.rows.map((f) => ({ flagId: f.id, numberE164: f.e164, startsAtMs: f.starts_at.getTime(), endsAtMs: f.ends_at.getTime() }));
    });
  }

  /** Drops every cached workspace (a flag changed). */
  invalidate(): void {
    this.#cache.clear();
  }
}
