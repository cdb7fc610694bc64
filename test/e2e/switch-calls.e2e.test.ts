// The whole path with real peers: sipp softphones and carriers, sip-server, switch, rtpengine,
// rater, PostgreSQL and Redis. Each test asserts what the peers saw and what was written.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '#lib/local-stack/index.js';
import { createLogger } from '#lib/log/index.js';
import { NgClient } from '#media/index.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';

type CdrRow = { disposition: string; sip_status: number; direction: string; billable_sec: number; price_minor: number; gateway_id: string | null };

describe('switch call flows', () => {
  let stack: SwitchStack;

  beforeAll(async () => {
    stack = await startSwitchStack({ blockedPrefixes: ['449'] });
  });
  afterAll(async () => {
    await stack.stop();
  });

  const target = () => stack.sip.sipTarget;
  const cdrsFor = async (destination: string): Promise<CdrRow[]> =>
    (await stack.pool.query<CdrRow>('SELECT disposition, sip_status, direction, billable_sec, price_minor, gateway_id FROM cdrs WHERE called_number = $1 ORDER BY started_at', [destination])).rows;

  it('registers a softphone with digest auth and refuses a wrong password', async () => {
    const ok = await runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), keys: { user: 'alice', realm: stack.fx.realm }, extraArgs: ['-au', 'alice', '-ap', 'alice-pw'] });
    expect(ok.stats['SuccessfulCall(C)']).toBe('1');
    const redis = new Redis(inject('redisUrl'));
    try {
      const fields = await redis.hkeys(`reg:{${stack.fx.tenantId}}:alice`);
      expect(fields.filter((f) => f.startsWith('sip:alice@127.0.0.1'))).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
    await expect(runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), keys: { user: 'alice', realm: stack.fx.realm }, extraArgs: ['-au', 'alice', '-ap', 'wrong'], timeoutSec: 5 })).rejects.toThrow();
  });

  it('delivers a carrier call for a DID to the registered softphone over SRTP, with a CDR', async () => {
    const port = await freePort();
    await runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), localPort: port, keys: { user: 'bob', realm: stack.fx.realm }, extraArgs: ['-au', 'bob', '-ap', 'bob-pw'] });
    const phone = await startSipp({ scenario: 'uas-softphone-answer-srtp.xml', localPort: port, calls: 1, keys: { user: 'bob', realm: stack.fx.realm }, timeoutSec: 30 });
    const carrier = await runSipp({
      calls: 1,
      scenario: 'uac-carrier-call-bye.xml',
      target: target(),
      localAddress: '127.0.0.2',
      keys: { did: stack.fx.didToUsers.slice(1), caller: '442079460099' },
      extraArgs: ['-d', '1000'],
    });
    expect(carrier.stats['SuccessfulCall(C)']).toBe('1');
    expect((await phone.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor(stack.fx.didToUsers)).length === 1, 'the inbound CDR');
    expect((await cdrsFor(stack.fx.didToUsers))[0]).toMatchObject({ disposition: 'answered', direction: 'inbound' });
  });

  it('answers 404 for an unknown DID', async () => {
    await expect(
      runSipp({ calls: 1, scenario: 'uac-carrier-call-bye.xml', target: target(), localAddress: '127.0.0.2', keys: { did: '449999999999', caller: '1' }, timeoutSec: 5 }),
    ).rejects.toThrow(/404|Unexpected/);
    // Every attempt has its CDR, even one no tenant owns.
    await eventually(async () => (await cdrsFor('+449999999999')).length === 1, 'the unknown-number CDR');
    expect((await cdrsFor('+449999999999'))[0]).toMatchObject({ sip_status: 404, direction: 'inbound', price_minor: 0 });
    expect((await stack.pool.query("SELECT tenant_id FROM cdrs WHERE called_number = '+449999999999'")).rows).toEqual([{ tenant_id: null }]);
  });

  it('sends a softphone call out through the cheapest gateway, rated, with a CDR', async () => {
    const gw = await startSipp({ scenario: 'uas-answer.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const r = await runSipp({
      calls: 1,
      scenario: 'uac-softphone-call-bye.xml',
      target: target(),
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460018' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', '2000'],
    });
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor('+442079460018')).length === 1, 'the outbound CDR');
    const [cdr] = await cdrsFor('+442079460018');
    expect(cdr).toMatchObject({ disposition: 'answered', direction: 'outbound', gateway_id: stack.fx.gatewayA });
    expect(cdr!.price_minor).toBeGreaterThan(0);
  });

  const callOut = (dialled: string, scenario = 'uac-softphone-call-bye.xml', holdMs = 500) =>
    runSipp({
      calls: 1,
      scenario,
      target: target(),
      keys: { user: 'alice', realm: stack.fx.realm, dialled },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', String(holdMs)],
      timeoutSec: 20,
    });
  const gatewayAttempts = async (gatewayId: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${stack.switch.health.port}/metrics`)).text();
    const m = new RegExp(`switch_gateway_attempts_total\\{gateway="${gatewayId}"\\} (\\d+)`).exec(text);
    return Number(m?.[1] ?? 0);
  };

  it('fails over to the next gateway when the cheapest answers 503', async () => {
    const a = await startSipp({ scenario: 'uas-reject-503.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    const b = await startSipp({ scenario: 'uas-answer.xml', localAddress: '127.0.0.3', localPort: stack.gatewayPorts[1], calls: 1, timeoutSec: 20 });
    const r = await callOut('02079460021');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    await Promise.all([a.done, b.done]);
    await eventually(async () => (await cdrsFor('+442079460021')).length === 1, 'the failover CDR');
    expect((await cdrsFor('+442079460021'))[0]).toMatchObject({ disposition: 'answered', gateway_id: stack.fx.gatewayB, sip_status: 200 });
  });

  it('does not fail over when the callee is busy (486)', async () => {
    const before = await gatewayAttempts(stack.fx.gatewayB);
    const a = await startSipp({ scenario: 'uas-reject-486.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    await callOut('02079460022', 'uac-softphone-call-expect-failure.xml');
    await a.done;
    await eventually(async () => (await cdrsFor('+442079460022')).length === 1, 'the busy CDR');
    expect((await cdrsFor('+442079460022'))[0]).toMatchObject({ disposition: 'busy', sip_status: 486, gateway_id: stack.fx.gatewayA });
    expect(await gatewayAttempts(stack.fx.gatewayB)).toBe(before);
  });

  it('refuses a blocked premium prefix with 403 and records it', async () => {
    await callOut('09098790000', 'uac-softphone-call-expect-failure.xml');
    await eventually(async () => (await cdrsFor('+449098790000')).length === 1, 'the blocked CDR');
    expect((await cdrsFor('+449098790000'))[0]).toMatchObject({ disposition: 'rejected', sip_status: 403, gateway_id: null });
  });

  it('passes a CANCEL before answer through to the carrier and records the cancelled attempt', async () => {
    const gw = await startSipp({ scenario: 'uas-ring-cancel.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    const r = await callOut('02079460023', 'uac-softphone-cancel.xml');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor('+442079460023')).length === 1, 'the cancelled CDR');
    expect((await cdrsFor('+442079460023'))[0]).toMatchObject({ disposition: 'cancelled', sip_status: 487 });
  });

  it('passes hold and resume re-INVITEs through rtpengine to the carrier', async () => {
    const gw = await startSipp({ scenario: 'uas-answer-hold-resume.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 20 });
    const r = await callOut('02079460024', 'uac-softphone-hold-resume.xml');
    expect(r.stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor('+442079460024')).length === 1, 'the hold/resume CDR');
    expect((await cdrsFor('+442079460024'))[0]).toMatchObject({ disposition: 'answered', sip_status: 200 });
  });

  it('leaves no call behind in rtpengine and exports call metrics', async () => {
    const callIds = (await stack.pool.query<{ call_id: string }>('SELECT call_id FROM cdrs')).rows.map((r) => r.call_id);
    expect(callIds.length).toBeGreaterThanOrEqual(4);
    const ng = new NgClient({ target: inject('rtpengineNg'), log: createLogger({ service: 't', level: 'silent' }) });
    try {
      const list = (await ng.request('list', { limit: 100_000 }))['calls'] as string[];
      expect(list.filter((id) => callIds.includes(id))).toEqual([]);
    } finally {
      ng.close();
    }
    const text = await (await fetch(`http://127.0.0.1:${stack.switch.health.port}/metrics`)).text();
    expect(text).toMatch(/switch_calls_total\{direction="outbound",disposition="answered"\} [1-9]/);
    expect(text).toMatch(/switch_calls_total\{direction="inbound",disposition="answered"\} [1-9]/);
    expect(text).toMatch(/switch_sip_final_responses_total\{code="403"\} [1-9]/);
    expect(text).toMatch(/switch_post_dial_delay_seconds_count [1-9]/);
    expect(text).toMatch(/switch_gateway_answers_total\{gateway="[0-9a-f-]+"\} [1-9]/);
    expect(text).toMatch(/switch_registrations_total\{result="registered"\} [1-9]/);
    expect(text).toContain('switch_calls_active');
  });
});
