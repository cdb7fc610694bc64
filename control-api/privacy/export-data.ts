import type { PoolClient } from '#lib/db/index.js';
import { toCsv } from './csv.js';
import type { ArchiveFile } from './zip.js';

/**
 * One data set of the export: an explicit column list, so secrets (password hashes, TOTP seeds,
 * SIP HA1s, API key hashes, encrypted columns) can never be selected by accident.
 */
type Dataset = { name: string; columns: readonly string[]; sql: string };

const DATASETS: readonly Dataset[] = [
  {
    name: 'tenant',
    columns: ['id', 'name', 'status', 'closed_at', 'expires_at', 'erased_at', 'legal_hold_until', 'country', 'default_dial_prefix', 'currency', 'sip_realm', 'age_verified', 'recording_enabled', 'plain_rtp_policy', 'max_concurrent_calls', 'max_cps', 'credit_limit_minor', 'price_plan_id', 'created_at'],
    sql: `SELECT id, name, status, closed_at, expires_at, erased_at, legal_hold_until, country, default_dial_prefix, currency, sip_realm, age_verified,
                 recording_enabled, plain_rtp_policy, max_concurrent_calls, max_cps, credit_limit_minor, price_plan_id, created_at
            FROM tenants WHERE id = $1`,
  },
  {
    name: 'users',
    columns: ['id', 'email', 'display_name', 'role', 'status', 'totp_enrolled', 'created_at', 'updated_at'],
    sql: `SELECT id, email, display_name, role, status, totp_secret_enc IS NOT NULL AS totp_enrolled, created_at, updated_at
            FROM tenant_users WHERE tenant_id = $1 ORDER BY created_at, id`,
  },
  {
    name: 'api_keys',
    columns: ['id', 'name', 'prefix', 'scopes', 'expires_at', 'revoked_at', 'last_used_at', 'created_at'],
    sql: `SELECT id, name, prefix, scopes, expires_at, revoked_at, last_used_at, created_at FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
  },
  {
    name: 'sip_users',
    columns: ['id', 'username', 'realm', 'display_name', 'caller_id_e164', 'enabled', 'created_at', 'updated_at'],
    sql: `SELECT id, username, realm, display_name, caller_id_e164, enabled, created_at, updated_at FROM sip_users WHERE tenant_id = $1 ORDER BY username`,
  },
  {
    name: 'number_subscriptions',
    columns: ['id', 'e164', 'country', 'number_type', 'period', 'auto_renew', 'status', 'started_at', 'expires_at', 'ended_at', 'routing_kind', 'routing_sip_user_ids', 'routing_sip_uri', 'routing_forward_e164', 'created_at'],
    sql: `SELECT s.id, n.e164, n.country, n.number_type, s.period, s.auto_renew, s.status, s.started_at, s.expires_at, s.ended_at, s.routing_kind,
                 s.routing_sip_user_ids, s.routing_sip_uri, s.routing_forward_e164, s.created_at
            FROM number_subscriptions s JOIN numbers n ON n.id = s.number_id WHERE s.tenant_id = $1 ORDER BY s.created_at, s.id`,
  },
  {
    name: 'blocked_prefixes',
    columns: ['id', 'prefix', 'reason', 'created_at'],
    sql: `SELECT id, prefix, reason, created_at FROM blocked_prefixes WHERE tenant_id = $1 ORDER BY prefix`,
  },
  {
    name: 'cdrs',
    columns: ['id', 'call_id', 'direction', 'calling_number', 'called_number', 'sip_status', 'sip_reason', 'disposition', 'started_at', 'ring_at', 'answer_at', 'end_at', 'pdd_ms', 'billable_sec', 'price_minor', 'currency', 'end_reason', 'recorded', 'recording_kind'],
    sql: `SELECT id, call_id, direction, calling_number, called_number, sip_status, sip_reason, disposition, started_at, ring_at, answer_at, end_at, pdd_ms,
                 billable_sec, price_minor, currency, end_reason, recorded, recording_kind
            FROM cdrs WHERE tenant_id = $1 ORDER BY started_at, id`,
  },
  {
    // Bodies and both parties' numbers (0050). Not the carrier gateway or the ledger key: operator data.
    name: 'sms_messages',
    columns: ['id', 'direction', 'status', 'from_number', 'to_number', 'content_type', 'body', 'sip_status', 'reason', 'sip_call_id', 'sip_user_id', 'price_minor', 'currency', 'bundle_id', 'occurred_at'],
    sql: `SELECT id, direction, status, from_number, to_number, content_type, body, sip_status, reason, sip_call_id, sip_user_id, price_minor, currency, bundle_id, occurred_at
            FROM sms_messages WHERE tenant_id = $1 ORDER BY occurred_at, id`,
  },
  {
    name: 'ledger',
    columns: ['transaction_id', 'kind', 'description', 'occurred_at', 'amount_minor', 'currency'],
    sql: `SELECT t.id AS transaction_id, t.kind, t.description, t.occurred_at, e.amount_minor, e.currency
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
           WHERE e.tenant_id = $1 ORDER BY t.occurred_at, e.id`,
  },
  {
    name: 'balances',
    columns: ['currency', 'balance_minor', 'credit_limit_minor'],
    sql: `SELECT currency, balance_minor, credit_limit_minor FROM tenant_balances WHERE tenant_id = $1`,
  },
  {
    name: 'minute_bundles',
    columns: ['id', 'prefixes', 'seconds_granted', 'seconds_remaining', 'credited_at', 'expires_at'],
    sql: `SELECT id, prefixes, seconds_granted, seconds_remaining, credited_at, expires_at FROM minute_bundles WHERE tenant_id = $1 ORDER BY credited_at, id`,
  },
  {
    name: 'sms_bundles',
    columns: ['id', 'prefixes', 'messages_granted', 'messages_remaining', 'credited_at', 'expires_at'],
    sql: `SELECT id, prefixes, messages_granted, messages_remaining, credited_at, expires_at FROM sms_bundles WHERE tenant_id = $1 ORDER BY credited_at, id`,
  },
  {
    name: 'privacy_requests',
    columns: ['id', 'kind', 'status', 'requester_kind', 'created_at', 'completed_at'],
    sql: `SELECT id, kind, status, requester_kind, created_at, completed_at FROM privacy_requests WHERE tenant_id = $1 ORDER BY created_at, id`,
  },
];

/** Columns of a future recordings table that must never leave the system (keys, storage locations, hashes). */
const RECORDING_SECRET_COLUMN = '(^|_)(key|keys|secret|path|hash|iv|nonce|tag)($|_)|_enc$';

/** The recordings list: empty until the recordings table (issue 9, recording part) exists. */
async function recordings(c: PoolClient, tenantId: string): Promise<Record<string, unknown>[]> {
  const exists = (await c.query<{ r: string | null }>(`SELECT to_regclass('recordings')::text AS r`)).rows[0]?.r;
  if (exists === null || exists === undefined) return [];
  const r = await c.query<{ row: Record<string, unknown> }>(
    `SELECT (SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb) FROM jsonb_each(to_jsonb(rec)) AS x(k, v) WHERE k !~ $2) AS row
       FROM recordings rec WHERE rec.tenant_id = $1`,
    [tenantId, RECORDING_SECRET_COLUMN],
  );
  return r.rows.map((x) => x.row);
}

export type ExportContents = { files: ArchiveFile[]; counts: Record<string, number> };

/** Reads the workspace's personal data (in the caller's tenant-scoped transaction) as JSON and CSV files. */
export async function collectExport(c: PoolClient, tenantId: string, meta: { requestId: string; generatedAt: Date }): Promise<ExportContents> {
  const files: ArchiveFile[] = [];
  const counts: Record<string, number> = {};
  for (const d of DATASETS) {
    const rows = (await c.query<Record<string, unknown>>(d.sql, [tenantId])).rows;
    counts[d.name] = rows.length;
    files.push({ name: `${d.name}.json`, content: JSON.stringify(d.name === 'tenant' ? (rows[0] ?? null) : rows, null, 2) });
    files.push({ name: `${d.name}.csv`, content: toCsv(d.columns, rows) });
  }
  const recs = await recordings(c, tenantId);
  counts['recordings'] = recs.length;
  files.push({ name: 'recordings.json', content: JSON.stringify(recs, null, 2) });
  const recColumns = [...new Set(recs.flatMap((r) => Object.keys(r)))].sort();
  files.push({ name: 'recordings.csv', content: toCsv(recColumns.length > 0 ? recColumns : ['id'], recs) });
  const manifest = {
    format: 'softswitch-privacy-export',
    version: 1,
    tenantId,
    requestId: meta.requestId,
    generatedAt: meta.generatedAt.toISOString(),
    datasets: Object.entries(counts).map(([name, rows]) => ({ name, rows, files: [`${name}.json`, `${name}.csv`] })),
  };
  files.unshift({ name: 'manifest.json', content: JSON.stringify(manifest, null, 2) });
  return { files, counts };
}
