import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import type { Clock } from '#lib/clock/index.js';
import type { Pool, PoolClient } from '#lib/db/index.js';
import { readHeader, validateRow } from './row-validator.js';
import { one } from '../db/rows.js';

export type RateImportError = { line: number; message: string };
export type RateImportResult =
  | { ok: true; deckId: string; versionId: string; rowCount: number; durationMs: number }
  | { ok: false; reason: 'deck_not_found' }
  | { ok: false; reason: 'invalid_rows'; errorCount: number; errors: RateImportError[] };

export type RateImportOptions = {
  pool: Pool;
  deckId: string;
  source: Readable;
  /** Where the deck came from (file name, "api upload"), kept on the version. */
  sourceName: string;
  clock: Clock;
  /** Most errors reported back (the count covers all of them). */
  maxErrors?: number;
  /** Called about every 10,000 rows with rows read so far. */
  onProgress?: (rows: number) => void;
  /** Runs inside the import transaction after the swap, e.g. to write the audit row. */
  beforeCommit?: (client: PoolClient, result: { versionId: string; rowCount: number; previousVersionId: string | null }) => Promise<void>;
};

const COPY_CHUNK_BYTES = 256 * 1024;
const PROGRESS_EVERY = 10_000;

/** Thrown inside the stream pipeline to stop reading once the error budget is spent. */
class TooManyErrors extends Error {}

/**
 * Streams a rate deck CSV into PostgreSQL and swaps it in atomically:
 * parse + validate each row (csv-parse) → COPY into a new, not yet visible deck version → check date
 * ranges of each prefix for overlaps in SQL → point the deck at the new version. One transaction:
 * any bad line means nothing is applied and the previous deck stays current. Errors carry line numbers.
 */
export async function importRateDeck(options: RateImportOptions): Promise<RateImportResult> {
  const started = options.clock.monotonic();
  const maxErrors = options.maxErrors ?? 100;
  const client = await options.pool.connect();
  try {
    await client.query(`BEGIN; SET LOCAL ROLE softswitch_app; SELECT set_config('app.tenant_id', '*', true)`);
    const deck = (await client.query<{ currency: string; current_version_id: string | null }>('SELECT currency, current_version_id FROM rate_decks WHERE id = $1 FOR UPDATE', [options.deckId])).rows[0];
    if (!deck) {
      await client.query('ROLLBACK');
      options.source.resume();
      return { ok: false, reason: 'deck_not_found' };
    }
    // The new version is the staging area: rows are COPYed straight into it, and nobody reads it until
    // current_version_id points at it in this same transaction.
    const version = await client.query<{ id: string }>('INSERT INTO rate_deck_versions (deck_id, row_count, source) VALUES ($1, 0, $2) RETURNING id', [options.deckId, options.sourceName.slice(0, 500)]);
    const versionId = one(version).id;
    const errors: RateImportError[] = [];
    let errorCount = 0;
    let rows = 0;
    let index: ReturnType<typeof readHeader> | undefined;
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: 64 * 1024,
      // Returns the COPY line wrapped in a one-element record (the type csv-parse expects), or null to skip.
      on_record: (record: string[], context): string[] | null => {
        const line = context.lines;
        if (index === undefined) {
          index = readHeader(record);
          if (!index.ok) {
            errorCount++;
            errors.push({ line, message: index.message });
            throw new TooManyErrors();
          }
          return null;
        }
        if (!index.ok) return null;
        rows++;
        if (rows % PROGRESS_EVERY === 0) options.onProgress?.(rows);
        const r = validateRow(record, line, index.index, deck.currency, versionId);
        if (r.ok) return [r.copyLine];
        errorCount++;
        if (errors.length < maxErrors) errors.push({ line, message: r.message });
        else throw new TooManyErrors();
        return null;
      },
    });
    let pending: string[] = [];
    let pendingBytes = 0;
    const batch = new Transform({
      writableObjectMode: true,
      transform(record: string[], _enc, done) {
        const line = record[0] ?? '';
        // Once a line is bad nothing will be applied: stop feeding COPY, keep reading for more errors.
        if (errorCount > 0) return done();
        pending.push(line);
        pendingBytes += line.length;
        if (pendingBytes >= COPY_CHUNK_BYTES) {
          const chunk = pending.join('');
          pending = [];
          pendingBytes = 0;
          return done(null, chunk);
        }
        done();
      },
      flush(done) {
        done(null, errorCount === 0 && pending.length > 0 ? pending.join('') : undefined);
      },
    });
    const copy = client.query(
      copyFrom(
        'COPY rate_deck_rows (version_id, source_line, prefix, description, rate_micros_per_min, connect_fee_micros, initial_increment_sec, subsequent_increment_sec, effective_from, effective_to, currency) FROM STDIN',
      ),
    );
    try {
      await pipeline(options.source, parser, batch, copy as unknown as Writable);
    } catch (err) {
      if (!(err instanceof TooManyErrors) && !(err instanceof Error && err.cause instanceof TooManyErrors) && !isParseError(err)) throw err;
      if (isParseError(err)) {
        errorCount++;
        errors.push({ line: typeof err.lines === 'number' ? err.lines : 0, message: `malformed CSV: ${err.message}` });
      }
      options.source.resume();
    }
    if (index === undefined) {
      errorCount++;
      errors.push({ line: 1, message: 'empty file: expected a header line' });
    }
    if (errorCount === 0) {
      const overlaps = await client.query<{ line_no: number; prev_line: number; prefix: string }>(
        `SELECT line_no, prev_line, prefix FROM (
           SELECT source_line AS line_no, prefix, lag(source_line) OVER w AS prev_line, lag(effective_to) OVER w AS prev_to, effective_from
             FROM rate_deck_rows WHERE version_id = $2 WINDOW w AS (PARTITION BY prefix ORDER BY effective_from, source_line)) s
          WHERE prev_line IS NOT NULL AND (prev_to IS NULL OR prev_to > effective_from) ORDER BY line_no LIMIT $1`,
        [maxErrors, versionId],
      );
      for (const o of overlaps.rows) errors.push({ line: o.line_no, message: `prefix ${o.prefix}: effective dates overlap line ${o.prev_line}` });
      errorCount += overlaps.rowCount ?? 0;
    }
    if (errorCount > 0) {
      await client.query('ROLLBACK');
      return { ok: false, reason: 'invalid_rows', errorCount, errors: errors.sort((a, b) => a.line - b.line).slice(0, maxErrors) };
    }
    await client.query('UPDATE rate_deck_versions SET row_count = $2 WHERE id = $1', [versionId, rows]);
    await client.query('UPDATE rate_decks SET current_version_id = $2 WHERE id = $1', [options.deckId, versionId]);
    // Keep the current and the previous version (for a quick look back); older ones go.
    await client.query(
      `DELETE FROM rate_deck_versions WHERE deck_id = $1 AND id <> $2 AND id IS DISTINCT FROM $3`,
      [options.deckId, versionId, deck.current_version_id],
    );
    await options.beforeCommit?.(client, { versionId, rowCount: rows, previousVersionId: deck.current_version_id });
    await client.query('COMMIT');
    options.onProgress?.(rows);
    return { ok: true, deckId: options.deckId, versionId, rowCount: rows, durationMs: options.clock.monotonic() - started };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** csv-parse's own errors (bad quoting, record too large, …): bad input, reported as a bad line. */
function isParseError(err: unknown): err is CsvError {
  return err instanceof CsvError;
}
