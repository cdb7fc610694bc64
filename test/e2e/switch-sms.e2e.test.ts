// SMS as SIP MESSAGE through the whole stack: sipp softphones and carriers, sip-server, switch,
// PostgreSQL and Redis. Each test asserts what the peers saw, the message row, and the charge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/local-stack/index.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';

type SmsRow = { direction: string; status: string; sip_status: number; gateway_id: string | null; price_minor: number; currency: string | null; ledger_key: string | null; bundle_id: string | null; body: string; from_number: string };

const SMS_PRICE_MINOR = 7;

describe('switch SMS (SIP MESSAGE)', () => {
  let stack: SwitchStack;

  /** Sets the plan's SMS price and refreshes the rater's plan cache, as the control plane's rate_deck change event does. */
  const setSmsPrice = async (priceMinor: number): Promise<void> => {
    const plan = await stack.pool.query<{ id: string }>('UPDATE rate_decks SET sms_price_minor = $1 WHERE id = (SELECT price_plan_id FROM tenants WHERE id = $2) RETURNING id', [priceMinor, stack.fx.tenantId]);
    for (const { id } of plan.rows) await stack.rater.smsCatalog.refreshPlan(id);
  };

  beforeAll(async () => {
    stack = await startSwitchStack({ blockedPrefixes: ['449'] });
    await setSmsPrice(SMS_PRICE_MINOR);
  });
  afterAll(async () => {
    await stack.stop();
  });

  const target = () => stack.sip.sipTarget;
  const smsTo = async (to: string): Promise<SmsRow[]> =>
    (
      await stack.pool.query<SmsRow>(
        'SELECT direction, status, sip_status, gateway_id, price_minor::int AS price_minor, currency, ledger_key, bundle_id, rtrim(body, chr(13) || chr(10)) AS body, from_number FROM sms_messages WHERE to_number = $1 ORDER BY occurred_at',
        [to],
      )
    ).rows;
  const balance = async (): Promise<number> => Number((await stack.pool.query<{ b: string }>('SELECT balance_minor AS b FROM tenant_balances WHERE tenant_id = $1', [stack.fx.tenantId])).rows[0]?.b);
  const sendSms = (dialled: string) =>
    runSipp({ calls: 1, scenario: 'uac-softphone-sms.xml', target: target(), keys: { user: 'alice', realm: stack.fx.realm, dialled }, extraArgs: ['-au', 'alice', '-ap', 'alice-pw'], timeoutSec: 20 });
  const carrierSms = (did: string) =>
    runSipp({ calls: 1, scenario: 'uac-carrier-sms.xml', target: target(), localAddress: '127.0.0.2', keys: { did: did.slice(1), caller: '442079460099' }, timeoutSec: 20 });

  it('sends a softphone SMS to the cheapest carrier as MESSAGE, charged once from the plan price', async () => {
    const before = await balance();
    const gw = await startSipp({ scenario: 'uas-sms-accept.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    const r = await sendSms('02079460031');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    const [row] = await smsTo('+442079460031');
    expect(row).toMatchObject({ direction: 'outbound', status: 'sent', sip_status: 200, gateway_id: stack.fx.gatewayA, price_minor: SMS_PRICE_MINOR, currency: 'EUR', body: 'hello from alice', from_number: 'alice' });
    const entries = await stack.pool.query<{ kind: string; amount: number; code: string }>(
      `SELECT t.kind, e.amount_minor::int AS amount, a.code FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id JOIN ledger_accounts a ON a.id = e.account_id
        WHERE t.idempotency_key = $1 ORDER BY e.amount_minor`,
      [row?.ledger_key],
    );
    expect(entries.rows).toEqual([
      { kind: 'sms_charge', amount: -SMS_PRICE_MINOR, code: 'tenant_cash' },
      { kind: 'sms_charge', amount: SMS_PRICE_MINOR, code: 'revenue_sms' },
    ]);
    expect(await balance()).toBe(before - SMS_PRICE_MINOR);
  });

  it('fails over to the next carrier when the cheapest answers 503', async () => {
    const a = await startSipp({ scenario: 'uas-sms-reject-503.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    const b = await startSipp({ scenario: 'uas-sms-accept.xml', localAddress: '127.0.0.3', localPort: stack.gatewayPorts[1], calls: 1, timeoutSec: 20 });
    await sendSms('02079460032');
    await Promise.all([a.done, b.done]);
    expect(await smsTo('+442079460032')).toMatchObject([{ status: 'sent', sip_status: 200, gateway_id: stack.fx.gatewayB, price_minor: SMS_PRICE_MINOR }]);
  });

  it('refuses a blocked prefix with 403, recorded and not charged', async () => {
    const before = await balance();
    await sendSms('09098790001');
    expect(await smsTo('+449098790001')).toMatchObject([{ status: 'rejected', sip_status: 403, price_minor: 0, ledger_key: null, gateway_id: null }]);
    expect(await balance()).toBe(before);
  });

  it('refuses with 402 when balance and credit cannot pay the message', async () => {
    const before = await balance();
    await setSmsPrice(before + 1);
    try {
      await sendSms('02079460034');
    } finally {
      await setSmsPrice(SMS_PRICE_MINOR);
    }
    expect(await smsTo('+442079460034')).toMatchObject([{ status: 'rejected', sip_status: 402, price_minor: 0 }]);
    expect(await balance()).toBe(before);
  });

  it('takes the message from an SMS bundle that covers the destination instead of money', async () => {
    const before = await balance();
    const bundle = await stack.pool.query<{ id: string }>(
      `INSERT INTO sms_bundles (tenant_id, prefixes, messages_granted, messages_remaining, credited_at, expires_at)
       VALUES ($1, '{4420794600}', 1, 1, now() - interval '1 day', now() + interval '1 year') RETURNING id`,
      [stack.fx.tenantId],
    );
    await stack.rater.smsCatalog.refreshTenant(stack.fx.tenantId); // as the control plane's balance change event does
    const gw = await startSipp({ scenario: 'uas-sms-accept.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    await sendSms('02079460033');
    await gw.done;
    const [row] = await smsTo('+442079460033');
    expect(row).toMatchObject({ status: 'sent', price_minor: 0, bundle_id: bundle.rows[0]?.id });
    // The bundle message's ledger transaction is the idempotency marker alone: no money moved.
    const marker = await stack.pool.query('SELECT t.kind, count(e.id)::int AS entries FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id WHERE t.idempotency_key = $1 GROUP BY t.kind', [row?.ledger_key]);
    expect(marker.rows).toEqual([{ kind: 'sms_charge', entries: 0 }]);
    expect((await stack.pool.query('SELECT messages_remaining FROM sms_bundles WHERE id = $1', [bundle.rows[0]?.id])).rows).toEqual([{ messages_remaining: 0 }]);
    expect(await balance()).toBe(before);
  });

  it('delivers a carrier SMS for a DID to the owner’s registered device, not charged', async () => {
    const port = await freePort();
    await runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), localPort: port, keys: { user: 'bob', realm: stack.fx.realm }, extraArgs: ['-au', 'bob', '-ap', 'bob-pw'] });
    const phone = await startSipp({ scenario: 'uas-sms-accept.xml', localPort: port, calls: 1, timeoutSec: 20 });
    const carrier = await carrierSms(stack.fx.didToUsers);
    expect(carrier.stats['SuccessfulCall(C)']).toBe('1');
    expect((await phone.done).stats['SuccessfulCall(C)']).toBe('1');
    expect((await smsTo(stack.fx.didToUsers)).filter((r) => r.direction === 'inbound')).toMatchObject([{ direction: 'inbound', status: 'delivered', sip_status: 200, gateway_id: stack.fx.gatewayA, price_minor: 0, body: 'hello from the carrier' }]);
  });

  it('stores a carrier SMS for a number with no device to take it (202), and answers 404 for an unknown number', async () => {
    await carrierSms(stack.fx.didForward);
    expect((await smsTo(stack.fx.didForward)).filter((r) => r.direction === 'inbound')).toMatchObject([{ status: 'stored', sip_status: 202 }]);
    await carrierSms('+449999999998');
    expect(await smsTo('+449999999998')).toEqual([]);
  });

  it('delivers an on-net SMS to the number owner’s registered device, charged to the sender', async () => {
    const before = await balance();
    const port = await freePort();
    await runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), localPort: port, keys: { user: 'bob', realm: stack.fx.realm }, extraArgs: ['-au', 'bob', '-ap', 'bob-pw'] });
    const phone = await startSipp({ scenario: 'uas-sms-accept.xml', localPort: port, calls: 1, timeoutSec: 20 });
    await sendSms('02071234567');
    expect((await phone.done).stats['SuccessfulCall(C)']).toBe('1');
    expect((await smsTo(stack.fx.didToUsers)).filter((r) => r.direction === 'onnet')).toMatchObject([{ status: 'delivered', sip_status: 200, price_minor: SMS_PRICE_MINOR, body: 'hello from alice' }]);
    expect(await balance()).toBe(before - SMS_PRICE_MINOR);
  });

  it('keeps an SMS to a number on the platform on-net, stored for its owner and charged', async () => {
    const before = await balance();
    await sendSms('02071234568');
    await eventually(async () => (await smsTo('+442071234568')).some((r) => r.direction === 'onnet'), 'the on-net message');
    expect((await smsTo('+442071234568')).filter((r) => r.direction === 'onnet')).toMatchObject([{ status: 'stored', sip_status: 202, gateway_id: null, price_minor: SMS_PRICE_MINOR }]);
    expect(await balance()).toBe(before - SMS_PRICE_MINOR);
  });

  // Last: the burst fills the tenant's CPS window for a second.
  it('applies the tenant’s CPS cap: a burst over it gets 503, only what was sent is charged', async () => {
    const before = await balance();
    const burst = 14;
    const gw = await startSipp({ scenario: 'uas-sms-accept.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: burst, timeoutSec: 20 });
    await runSipp({
      calls: burst,
      rate: 200,
      scenario: 'uac-softphone-sms.xml',
      target: target(),
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460035' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw'],
      timeoutSec: 20,
    });
    gw.kill();
    await gw.done.catch(() => undefined);
    const rows = await smsTo('+442079460035');
    expect(rows).toHaveLength(burst);
    const limited = rows.filter((r) => r.sip_status === 503 && r.status === 'rejected');
    const sent = rows.filter((r) => r.status === 'sent');
    expect(limited.length).toBeGreaterThan(0);
    // The rest: sent, or failed when gateway A was at its concurrency cap (3) and B is not listening.
    expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'failed' && r.sip_status !== 503)).toEqual([]);
    expect(sent.length).toBeGreaterThan(0);
    expect(await balance()).toBe(before - sent.length * SMS_PRICE_MINOR);
  });
});
