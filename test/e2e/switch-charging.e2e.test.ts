// Live charging and limits through the whole path: the balance runs out mid-call and the switch
// ends both legs at that second; a tenant over its concurrent-call cap gets 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBalance } from '#billing-rater/test/support.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';

type CdrRow = { disposition: string; sip_status: number; billable_sec: number; price_minor: number; end_reason: string | null; answer_at: Date; end_at: Date };

const cdrsFor = async (stack: SwitchStack, destination: string): Promise<CdrRow[]> =>
  (await stack.pool.query<CdrRow>('SELECT disposition, sip_status, billable_sec, price_minor, end_reason, answer_at, end_at FROM cdrs WHERE called_number = $1', [destination])).rows;

const callOut = (stack: SwitchStack, dialled: string, scenario: string, holdMs = 500) =>
  startSipp({
    calls: 1,
    scenario,
    target: stack.sip.sipTarget,
    keys: { user: 'alice', realm: stack.fx.realm, dialled },
    extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', String(holdMs)],
    timeoutSec: 30,
  });

describe('balance cut-off mid-call', () => {
  let stack: SwitchStack;
  // 15 EUR a minute billed per second = 0.25 EUR a second; 1.00 EUR of credit lasts 4 s.
  beforeAll(async () => {
    stack = await startSwitchStack({ balanceMinor: 100, price44: { rateMicrosPerMin: 15_000_000, initial: 1, subsequent: 1 } });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('ends both legs when the money runs out, at that second, and never goes below zero', async () => {
    const gw = await startSipp({ scenario: 'uas-answer.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const phone = await callOut(stack, '02079460031', 'uac-softphone-call-remote-bye.xml');
    expect((await phone.done).stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor(stack, '+442079460031')).length === 1, 'the cut-off CDR');
    const [cdr] = await cdrsFor(stack, '+442079460031');
    expect(cdr).toMatchObject({ disposition: 'cut_off', end_reason: 'balance_exhausted' });
    const talkedMs = cdr!.end_at.getTime() - cdr!.answer_at.getTime();
    expect(talkedMs).toBeGreaterThanOrEqual(3_000);
    expect(talkedMs).toBeLessThanOrEqual(5_000);
    expect(cdr!.billable_sec).toBeGreaterThanOrEqual(3);
    expect(cdr!.billable_sec).toBeLessThanOrEqual(5);
    expect(cdr!.price_minor).toBeLessThanOrEqual(100);
    await eventually(async () => (await tenantBalance(stack.pool, stack.fx.tenantId)) < 100, 'the debit');
    expect(await tenantBalance(stack.pool, stack.fx.tenantId)).toBeGreaterThanOrEqual(0);
  });
});

describe('tenant concurrent-call limit', () => {
  let stack: SwitchStack;
  beforeAll(async () => {
    stack = await startSwitchStack({ tenant: { maxConcurrentCalls: 1 } });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('refuses a second simultaneous call with 503 and records why', async () => {
    const gw = await startSipp({ scenario: 'uas-answer.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const first = await callOut(stack, '02079460041', 'uac-softphone-call-bye.xml', 3_000);
    await eventually(() => stack.switch.active.size === 1, 'the first call to be up');
    const second = await runSipp({
      calls: 1,
      scenario: 'uac-softphone-call-expect-failure.xml',
      target: stack.sip.sipTarget,
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460042' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw'],
      timeoutSec: 20,
    });
    expect(second.stats['SuccessfulCall(C)']).toBe('1');
    expect((await first.done).stats['SuccessfulCall(C)']).toBe('1');
    await gw.done;
    await eventually(async () => (await cdrsFor(stack, '+442079460042')).length === 1, 'the refused CDR');
    expect((await cdrsFor(stack, '+442079460042'))[0]).toMatchObject({ disposition: 'rejected', sip_status: 503, end_reason: 'tenant_concurrent_limit' });
    await eventually(async () => (await cdrsFor(stack, '+442079460041')).length === 1, 'the first call\'s CDR');
    expect((await cdrsFor(stack, '+442079460041'))[0]).toMatchObject({ disposition: 'answered' });
  });
});
