// What the switch needs to know about tenants, SIP users, numbers, carriers and routes, read from
// the control plane's tables (sql/migrations, docs/data-model.md). Operator-wide reads: the
// switch's database role sees every tenant (app.tenant_id = '*').
import type { Pool } from '#lib/db/index.js';
import type { PlainRtpPolicy } from '#media/index.js';

export type TenantFacts = {
  tenantId: string;
  status: 'active' | 'suspended' | 'closed';
  country: string;
  currency: string;
  realm: string;
  plainRtpPolicy: PlainRtpPolicy;
  maxConcurrentCalls: number;
  maxCps: number;
  recordingEnabled: boolean;
  /** Days a recording is kept (30 at most, or less when the workspace chose so). */
  recordingRetentionDays: number;
  expiresAtMs: number | undefined;
};

export type SipUserFacts = {
  sipUserId: string;
  username: string;
  ha1Md5: string;
  ha1Sha256: string;
  enabled: boolean;
  callerIdE164: string | undefined;
  tenant: TenantFacts;
};

export type DidTarget =
  | { kind: 'sip_users'; users: { username: string; realm: string }[] }
  | { kind: 'sip_uri'; uri: string }
  | { kind: 'forward'; e164: string }
  | { kind: 'none' };

export type DidFacts = { numberId: string; e164: string; subscriptionId: string; expiresAtMs: number; target: DidTarget; tenant: TenantFacts; recordingEnabled: boolean };

export type GatewayFacts = {
  gatewayId: string;
  carrierId: string;
  address: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  mediaEncryption: 'rtp' | 'srtp';
  techPrefix: string;
  maxConcurrentCalls: number;
  maxCps: number;
};

export type RouteRow = { prefix: string; priority: number; weight: number; enabled: boolean; gateway: GatewayFacts };

const TENANT_COLUMNS = `t.id AS tenant_id, t.status AS tenant_status, t.country, t.currency, t.sip_realm, t.plain_rtp_policy,
  t.max_concurrent_calls AS tenant_max_concurrent, t.max_cps AS tenant_max_cps, t.recording_enabled, t.recording_retention_days,
  t.expires_at AS tenant_expires_at`;

const GATEWAY_COLUMNS = `g.id AS gateway_id, g.carrier_id, g.address, g.port, g.transport, g.media_encryption, g.tech_prefix,
  g.max_concurrent_calls AS gw_max_concurrent, g.max_cps AS gw_max_cps`;

type Row = Record<string, unknown>;

function tenantOf(r: Row): TenantFacts {
  return {
    tenantId: r['tenant_id'] as string,
    status: r['tenant_status'] as TenantFacts['status'],
    country: r['country'] as string,
    currency: r['currency'] as string,
    realm: r['sip_realm'] as string,
    plainRtpPolicy: r['plain_rtp_policy'] as PlainRtpPolicy,
    maxConcurrentCalls: r['tenant_max_concurrent'] as number,
    maxCps: r['tenant_max_cps'] as number,
    recordingEnabled: r['recording_enabled'] as boolean,
    recordingRetentionDays: r['recording_retention_days'] as number,
    expiresAtMs: r['tenant_expires_at'] instanceof Date ? r['tenant_expires_at'].getTime() : undefined,
  };
}

function gatewayOf(r: Row): GatewayFacts {
  return {
    gatewayId: r['gateway_id'] as string,
    carrierId: r['carrier_id'] as string,
    address: r['address'] as string,
    port: r['port'] as number,
    transport: r['transport'] as GatewayFacts['transport'],
    mediaEncryption: r['media_encryption'] as GatewayFacts['mediaEncryption'],
    techPrefix: r['tech_prefix'] as string,
    maxConcurrentCalls: r['gw_max_concurrent'] as number,
    maxCps: r['gw_max_cps'] as number,
  };
}

export class Directory {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /** The SIP user `username` of the tenant whose realm is `realm`. */
  async sipUser(realm: string, username: string): Promise<SipUserFacts | undefined> {
    const r = await this.#pool.query(
      `SELECT su.id, su.username, su.ha1_md5, su.ha1_sha256, su.enabled, su.caller_id_e164, ${TENANT_COLUMNS}
         FROM sip_users su JOIN tenants t ON t.id = su.tenant_id
        WHERE su.realm = $1 AND su.username = $2`,
      [realm, username],
    );
    const row = r.rows[0] as Row | undefined;
    if (!row) return undefined;
    return {
      sipUserId: row['id'] as string,
      username: row['username'] as string,
      ha1Md5: row['ha1_md5'] as string,
      ha1Sha256: row['ha1_sha256'] as string,
      enabled: row['enabled'] as boolean,
      callerIdE164: (row['caller_id_e164'] as string | null) ?? undefined,
      tenant: tenantOf(row),
    };
  }

  /** The active subscription of a virtual number, with its owner and routing target; undefined when unknown, inactive or expired at `nowMs`. */
  async did(e164: string, nowMs: number): Promise<DidFacts | undefined> {
    const r = await this.#pool.query(
      `SELECT n.id AS number_id, n.e164, ns.id AS subscription_id, ns.expires_at, ns.routing_kind, ns.routing_sip_uri, ns.recording_enabled AS number_recording,
              ns.routing_forward_e164,
              (SELECT coalesce(json_agg(json_build_object('username', su.username, 'realm', su.realm::text)), '[]'::json)
                 FROM sip_users su WHERE su.id = ANY (ns.routing_sip_user_ids) AND su.enabled) AS users,
              ${TENANT_COLUMNS}
         FROM numbers n
         JOIN number_subscriptions ns ON ns.number_id = n.id AND ns.status = 'active'
         JOIN tenants t ON t.id = ns.tenant_id
        WHERE n.e164 = $1 AND n.status = 'active' AND ns.expires_at > to_timestamp($2 / 1000.0)`,
      [e164, nowMs],
    );
    const row = r.rows[0] as Row | undefined;
    if (!row) return undefined;
    const kind = row['routing_kind'] as string | null;
    const target: DidTarget =
      kind === 'sip_users'
        ? { kind, users: row['users'] as { username: string; realm: string }[] }
        : kind === 'sip_uri'
          ? { kind, uri: row['routing_sip_uri'] as string }
          : kind === 'forward'
            ? { kind, e164: row['routing_forward_e164'] as string }
            : { kind: 'none' };
    return {
      numberId: row['number_id'] as string,
      e164: row['e164'] as string,
      subscriptionId: row['subscription_id'] as string,
      expiresAtMs: (row['expires_at'] as Date).getTime(),
      target,
      tenant: tenantOf(row),
      recordingEnabled: row['number_recording'] as boolean,
    };
  }

  /** The enabled gateway whose inbound ACL holds `sourceIp` (most specific entry wins). */
  async gatewayBySource(sourceIp: string): Promise<GatewayFacts | undefined> {
    const r = await this.#pool.query(
      `SELECT ${GATEWAY_COLUMNS}
         FROM gateway_acl_entries a
         JOIN gateways g ON g.id = a.gateway_id
         JOIN carriers c ON c.id = g.carrier_id
        WHERE a.cidr >>= $1::inet AND g.enabled AND c.enabled
        ORDER BY masklen(a.cidr) DESC
        LIMIT 1`,
      [sourceIp],
    );
    const row = r.rows[0] as Row | undefined;
    return row ? gatewayOf(row) : undefined;
  }

  /** Every route whose prefix matches `e164` (digits after `+`), with its gateway. */
  async routesFor(e164: string): Promise<RouteRow[]> {
    const r = await this.#pool.query(
      `SELECT r.prefix, r.priority, r.weight, (r.enabled AND g.enabled AND c.enabled) AS enabled, ${GATEWAY_COLUMNS}
         FROM routes r
         JOIN gateways g ON g.id = r.gateway_id
         JOIN carriers c ON c.id = g.carrier_id
        WHERE $1 LIKE r.prefix || '%'`,
      [e164.replace(/^\+/, '')],
    );
    return (r.rows as Row[]).map((row) => ({
      prefix: row['prefix'] as string,
      priority: row['priority'] as number,
      weight: row['weight'] as number,
      enabled: row['enabled'] as boolean,
      gateway: gatewayOf(row),
    }));
  }

  /** The tenant's active virtual numbers at `nowMs`: the caller IDs it may present. */
  async tenantNumbers(tenantId: string, nowMs: number): Promise<string[]> {
    const r = await this.#pool.query<{ e164: string }>(
      `SELECT n.e164 FROM number_subscriptions ns JOIN numbers n ON n.id = ns.number_id
        WHERE ns.tenant_id = $1 AND ns.status = 'active' AND ns.expires_at > to_timestamp($2 / 1000.0)
        ORDER BY n.e164`,
      [tenantId, nowMs],
    );
    return r.rows.map((row) => row.e164);
  }
}
