import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from '#lib/db/index.js';
import type { CallEndRecord } from '../cdr/call-end-record.js';
import { TimestampText } from './timestamp-text.js';

/** From this many records a batch goes by COPY (below, one INSERT … ON CONFLICT is as quick). */
export const COPY_MIN_RECORDS = 32;

const COLUMNS =
  'call_id, tenant_id, direction, calling_number, called_number, gateway_id, carrier_id, sip_status, sip_reason, disposition, ' +
  'started_at, ring_at, answer_at, end_at, pdd_ms, billable_sec, price_minor, cost_minor, currency, rating, end_reason, reconciled, recorded, recording_kind';

/** COPY text format (PostgreSQL "COPY … Text Format"): backslash escapes, \N for NULL. */
function text(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}
function int(v: number | null): string {
  return v === null ? '\\N' : String(v);
}

/** One CDR as a COPY text line, with the same derivations as the INSERT path (pdd, recording kind). */
export function cdrCopyLine(r: CallEndRecord, ts: TimestampText = new TimestampText()): string {
  const recorded = r.recorded ?? false;
  const pddMs = r.ringAtMs === null ? null : Math.max(0, r.ringAtMs - r.startedAtMs);
  return [
    text(r.callId), text(r.tenantId), text(r.direction), text(r.caller), text(r.destination), text(r.gatewayId), text(r.carrierId),
    int(r.sipStatus), text(r.sipReason), text(r.disposition), ts.format(r.startedAtMs), ts.format(r.ringAtMs), ts.format(r.answeredAtMs), ts.format(r.endedAtMs),
    int(pddMs), int(r.billableSec), int(r.priceMinor), int(r.costMinor), text(r.currency), text(JSON.stringify(r.rating)), text(r.endReason),
    r.reconciled ? 't' : 'f', recorded ? 't' : 'f', text(recorded ? (r.recordingKind ?? null) : null),
  ].join('\t');
}

/** SQLSTATE of a unique violation: a CDR of the COPY was already there. */
const UNIQUE_VIOLATION = '23505';

/**
 * Writes the batch's CDRs in the caller's transaction, idempotent on (call_id, started_at): a replayed
 * batch is a no-op. Large batches that are not known replays go by one COPY (half PostgreSQL's work
 * per row of an INSERT … ON CONFLICT) under a savepoint, on the assumption that none of their CDRs
 * exists yet; COPY cannot say ON CONFLICT, so if one does (a replay the caller could not see, or a
 * concurrent writer with the same call), the COPY fails with a unique violation, is rolled back to
 * the savepoint and the batch goes through the INSERT … ON CONFLICT path, which skips what is there.
 * Small batches and `replay` batches (the caller saw some of them already written) take that path
 * directly. `recordTexts` may carry each record's JSON as the queue holds it (serialised only when
 * that path runs). Returns how many CDRs were written.
 */
export async function insertCdrs(client: PoolClient, records: readonly CallEndRecord[], recordTexts?: readonly string[], replay = false): Promise<number> {
  if (records.length === 0) return 0;
  if (replay || records.length < COPY_MIN_RECORDS) return insertCdrsOnConflict(client, records, recordTexts);
  const ts = new TimestampText();
  let body = '';
  for (const r of records) body += `${cdrCopyLine(r, ts)}\n`;
  await client.query('SAVEPOINT cdr_copy');
  try {
    const copy = client.query(copyFrom(`COPY cdrs (${COLUMNS}) FROM STDIN`));
    await pipeline(Readable.from([body]), copy as unknown as Writable);
  } catch (err) {
    if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION) throw err;
    await client.query('ROLLBACK TO SAVEPOINT cdr_copy');
    return insertCdrsOnConflict(client, records, recordTexts);
  }
  return records.length;
}

/**
 * Multi-row insert of CDRs: the batch goes to PostgreSQL as one JSON parameter expanded by
 * json_to_recordset; existing (call_id, started_at) rows are kept.
 */
async function insertCdrsOnConflict(client: PoolClient, records: readonly CallEndRecord[], recordTexts?: readonly string[]): Promise<number> {
  const recordsJson = recordTexts === undefined ? JSON.stringify(records) : `[${recordTexts.join(',')}]`;
  const res = await client.query(
    `INSERT INTO cdrs (call_id, tenant_id, direction, calling_number, called_number, gateway_id, carrier_id,
                       sip_status, sip_reason, disposition, started_at, ring_at, answer_at, end_at, pdd_ms,
                       billable_sec, price_minor, cost_minor, currency, rating, end_reason, reconciled, recorded, recording_kind)
     SELECT r."callId", r."tenantId", r.direction, r.caller, r.destination, r."gatewayId", r."carrierId",
            r."sipStatus", r."sipReason", r.disposition, to_timestamp(r."startedAtMs" / 1000.0),
            to_timestamp(r."ringAtMs" / 1000.0), to_timestamp(r."answeredAtMs" / 1000.0), to_timestamp(r."endedAtMs" / 1000.0),
            CASE WHEN r."ringAtMs" IS NULL THEN NULL ELSE greatest(0, r."ringAtMs" - r."startedAtMs") END,
            r."billableSec", r."priceMinor", r."costMinor", r.currency, r.rating, r."endReason", r.reconciled,
            coalesce(r.recorded, false), CASE WHEN coalesce(r.recorded, false) THEN r."recordingKind" END
       FROM json_to_recordset($1::json) AS r("callId" text, "tenantId" uuid, direction text, caller text, destination text,
            "gatewayId" uuid, "carrierId" uuid, "sipStatus" smallint, "sipReason" text, disposition text, "startedAtMs" bigint,
            "ringAtMs" bigint, "answeredAtMs" bigint, "endedAtMs" bigint, "billableSec" int, "priceMinor" bigint,
            "costMinor" bigint, currency char(3), rating jsonb, "endReason" text, reconciled boolean, recorded boolean, "recordingKind" text)
     ON CONFLICT (call_id, started_at) DO NOTHING`,
    [recordsJson],
  );
  return res.rowCount ?? 0;
}
