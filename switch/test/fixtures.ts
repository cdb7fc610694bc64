// A small operator dataset for switch tests: one tenant (EUR, GB numbering) with two SIP users and
// two virtual numbers, two carriers with one gateway each on loopback (127.0.0.2 and 127.0.0.3,
// which also identify them as inbound sources), routes for +44 and +1.
import type pg from 'pg';
import { computeHa1 } from '#switch/admission/digest.js';

export type SwitchFixture = {
  tenantId: string;
  realm: string;
  aliceId: string;
  bobId: string;
  didToUsers: string;
  didForward: string;
  carrierA: string;
  carrierB: string;
  gatewayA: string;
  gatewayB: string;
};

export async function seedSwitchFixture(
  db: pg.ClientBase | pg.Pool,
  nowMs: number,
  opts: { gatewayPorts?: [number, number]; tenant?: { maxConcurrentCalls?: number; maxCps?: number } } = {},
): Promise<SwitchFixture> {
  const realm = 'acme.sip.test';
  const one = async (sql: string, params: unknown[]) => ((await db.query(sql, params)).rows[0] as { id: string }).id;
  const tenantId = await one(
    `INSERT INTO tenants (name, country, default_dial_prefix, currency, sip_realm, max_concurrent_calls, max_cps)
     VALUES ('Acme', 'GB', '44', 'EUR', $1, $2, $3) RETURNING id`,
    [realm, opts.tenant?.maxConcurrentCalls ?? 5, opts.tenant?.maxCps ?? 10],
  );
  const user = (username: string) =>
    one(
      `INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [tenantId, username, realm, computeHa1('MD5', username, realm, `${username}-pw`), computeHa1('SHA-256', username, realm, `${username}-pw`)],
    );
  const aliceId = await user('alice');
  const bobId = await user('bob');
  const carrierA = await one(`INSERT INTO carriers (name) VALUES ('Carrier A') RETURNING id`, []);
  const carrierB = await one(`INSERT INTO carriers (name) VALUES ('Carrier B') RETURNING id`, []);
  const [portA, portB] = opts.gatewayPorts ?? [5091, 5092];
  const gateway = (carrierId: string, name: string, address: string, port: number) =>
    one(`INSERT INTO gateways (carrier_id, name, address, port, max_concurrent_calls, max_cps) VALUES ($1, $2, $3, $4, 3, 20) RETURNING id`, [carrierId, name, address, port]);
  const gatewayA = await gateway(carrierA, 'gw-a', '127.0.0.2', portA);
  const gatewayB = await gateway(carrierB, 'gw-b', '127.0.0.3', portB);
  await db.query(`INSERT INTO gateway_acl_entries (gateway_id, cidr) VALUES ($1, '127.0.0.2/32'), ($2, '127.0.0.3/32')`, [gatewayA, gatewayB]);
  await db.query(`INSERT INTO routes (prefix, gateway_id, priority, weight) VALUES ('44', $1, 1, 100), ('44', $2, 2, 100), ('1', $1, 1, 100)`, [gatewayA, gatewayB]);
  const expires = new Date(nowMs + 30 * 86_400_000);
  const started = new Date(nowMs - 86_400_000);
  const did = async (e164: string, routing: { kind: string; users?: string[]; forward?: string }) => {
    const numberId = await one(
      `INSERT INTO numbers (e164, country, number_type, monthly_price_minor, currency, status, carrier_id) VALUES ($1, 'GB', 'local', 300, 'EUR', 'active', $2) RETURNING id`,
      [e164, carrierA],
    );
    await db.query(
      `INSERT INTO number_subscriptions (tenant_id, number_id, period, status, started_at, expires_at, routing_kind, routing_sip_user_ids, routing_forward_e164)
       VALUES ($1, $2, 'month', 'active', $3, $4, $5, $6, $7)`,
      [tenantId, numberId, started, expires, routing.kind, routing.users ?? null, routing.forward ?? null],
    );
    return e164;
  };
  const didToUsers = await did('+442071234567', { kind: 'sip_users', users: [aliceId, bobId] });
  const didForward = await did('+442071234568', { kind: 'forward', forward: '+442079460018' });
  return { tenantId, realm, aliceId, bobId, didToUsers, didForward, carrierA, carrierB, gatewayA, gatewayB };
}
