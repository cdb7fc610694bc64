// The data-lifecycle rules (issue 9, docs/privacy.md) as repeatable jobs: each run is idempotent,
// acts at the injected clock's time, never touches anything younger than its rule, logs counts
// (never content) and counts what it deleted in `jobs_retention_deleted_total{rule}`.
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import { assertNever } from '#lib/errors/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';
import { applySmsRetention, dropExpiredCdrPartitions, expireWorkspaces, purgeExpiredBilling } from '#lib/retention/index.js';
import type { BlobStorage } from '#media/index.js';
import { startRepeatableJobs, type RepeatableJobs } from '../jobs/repeatable-jobs.js';
import { deleteExpiredTechnicalLogs } from './technical-logs.js';

export const RETENTION_QUEUE = 'retention';
export const RETENTION_JOB_NAMES = ['recordings', 'cdr-partitions', 'sms', 'billing-purge', 'workspace-expiry', 'technical-logs'] as const;
export type RetentionJobName = (typeof RETENTION_JOB_NAMES)[number];

/** Expired recordings handled per run (the next run takes the rest). */
const RECORDINGS_PER_RUN = 1_000;
const DAY_MS = 86_400_000;

export type RetentionDeps = {
  pool: Pool;
  storage: BlobStorage;
  clock: Clock;
  log: Logger;
  quarantineMs: number;
  /** The services' LOG_DIR, where technical logs and SIP traces are written (kept 30 days); none: nothing to delete. */
  techLogDir: string | undefined;
  deleted: Counter<'rule'>;
};

export function createRetentionMetrics(registry: Registry): Counter<'rule'> {
  return new Counter({ name: 'jobs_retention_deleted_total', help: 'Items deleted by the retention rules, by rule', labelNames: ['rule'], registers: [registry] });
}

/** Runs one rule now; returns its counts. */
export async function runRetentionJob(name: RetentionJobName, d: RetentionDeps): Promise<Record<string, number>> {
  const nowMs = d.clock.now();
  let counts: Record<string, number>;
  switch (name) {
    case 'recordings': {
      // Client recordings expire after the retention period, diagnostic ones when their window closes.
      const r = await deleteExpiredRecordings(d, nowMs);
      counts = { recordingsDeleted: r.client, diagnosticRecordingsDeleted: r.diagnostic };
      d.deleted.inc({ rule: 'recordings' }, r.client);
      d.deleted.inc({ rule: 'diagnostic_recordings' }, r.diagnostic);
      break;
    }
    case 'technical-logs': {
      const r = d.techLogDir === undefined ? { filesDeleted: 0, bytesDeleted: 0 } : await deleteExpiredTechnicalLogs(d.techLogDir, nowMs);
      counts = { ...r };
      d.deleted.inc({ rule: 'technical_logs' }, r.filesDeleted);
      break;
    }
    case 'cdr-partitions': {
      const r = await dropExpiredCdrPartitions(d.pool, nowMs);
      counts = { ...r };
      d.deleted.inc({ rule: 'cdrs' }, r.rowsDropped);
      break;
    }
    case 'sms': {
      // Bodies 30 days after the message, rows 6 months after it (sql/migrations/0033_sms_retention.sql).
      const r = await applySmsRetention(d.pool, nowMs);
      counts = { smsBodiesCleared: r.bodiesCleared, smsDeleted: r.rowsDeleted };
      d.deleted.inc({ rule: 'sms_bodies' }, r.bodiesCleared);
      d.deleted.inc({ rule: 'sms' }, r.rowsDeleted);
      break;
    }
    case 'billing-purge': {
      const r = await purgeExpiredBilling(d.pool, nowMs);
      counts = { ...r };
      d.deleted.inc({ rule: 'billing' }, r.transactionsDeleted);
      break;
    }
    case 'workspace-expiry': {
      // The SQL function removes the workspace's data; its recordings' audio is in the store.
      const removed = await deleteRecordings(d, `SELECT r.id, r.storage_key, r.kind FROM recordings r JOIN tenants t ON t.id = r.tenant_id
         WHERE t.expires_at <= to_timestamp($1 / 1000.0) AND t.expiry_processed_at IS NULL LIMIT $2`, nowMs);
      const recordingsDeleted = removed.client + removed.diagnostic;
      const r = await expireWorkspaces(d.pool, nowMs, Math.round(d.quarantineMs / DAY_MS));
      counts = { ...r, recordingsDeleted, ...(await removeRecordingRules(d)) };
      d.deleted.inc({ rule: 'workspaces' }, r.workspacesExpired);
      d.deleted.inc({ rule: 'sms' }, r.smsDeleted);
      break;
    }
    default:
      return assertNever(name, 'retention job');
  }
  d.log.info({ job: name, ...counts }, 'retention run');
  return counts;
}

/** Expired workspaces keep no recording rule: numbers' opt-ins off, staff diagnostic windows removed. */
async function removeRecordingRules(d: RetentionDeps): Promise<{ recordingOptInsCleared: number; diagnosticFlagsRemoved: number }> {
  const optIns = await d.pool.query(
    `UPDATE number_subscriptions s SET recording_enabled = false FROM tenants t
      WHERE t.id = s.tenant_id AND t.expiry_processed_at IS NOT NULL AND s.recording_enabled`,
  );
  const flags = await d.pool.query('DELETE FROM diagnostic_recording_flags f USING tenants t WHERE t.id = f.tenant_id AND t.expiry_processed_at IS NOT NULL');
  return { recordingOptInsCleared: optIns.rowCount ?? 0, diagnosticFlagsRemoved: flags.rowCount ?? 0 };
}

/** Recordings whose time is up (expires_at ≤ now): the client's retention, or the diagnostic window's end. */
function deleteExpiredRecordings(d: RetentionDeps, nowMs: number): Promise<RecordingsDeleted> {
  return deleteRecordings(d, 'SELECT id, storage_key, kind FROM recordings WHERE expires_at <= to_timestamp($1 / 1000.0) ORDER BY expires_at LIMIT $2', nowMs);
}

type RecordingsDeleted = { client: number; diagnostic: number };

/** Deletes the recordings `selectSql` ($1 now, $2 limit) picks: the audio first, then the row. */
async function deleteRecordings(d: RetentionDeps, selectSql: string, nowMs: number): Promise<RecordingsDeleted> {
  const due = await d.pool.query<{ id: string; storage_key: string; kind: 'client' | 'diagnostic' }>(selectSql, [nowMs, RECORDINGS_PER_RUN]);
  const deleted: RecordingsDeleted = { client: 0, diagnostic: 0 };
  for (const r of due.rows) {
    await d.storage.delete(r.storage_key);
    const gone = await d.pool.query('DELETE FROM recordings WHERE id = $1', [r.id]);
    deleted[r.kind] += gone.rowCount ?? 0;
  }
  return deleted;
}

export function startRetentionJobs(o: RetentionDeps & { connection: Redis; prefix: string; everyMs: number }): Promise<RepeatableJobs> {
  return startRepeatableJobs({ queue: RETENTION_QUEUE, names: RETENTION_JOB_NAMES, connection: o.connection, prefix: o.prefix, everyMs: o.everyMs, log: o.log, run: (name) => runRetentionJob(name, o) });
}
