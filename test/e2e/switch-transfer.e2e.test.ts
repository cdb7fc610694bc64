// Blind transfer by REFER (RFC 3515) through the whole stack: a sipp softphone calls a sipp carrier,
// transfers it to another registered softphone of its tenant, and the switch bridges them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/local-stack/index.js';
import { computeHa1 } from '#switch/admission/digest.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';

type CdrRow = { disposition: string; sip_status: number; direction: string; gateway_id: string | null };

describe('switch blind transfer (REFER)', () => {
  let stack: SwitchStack;

  beforeAll(async () => {
    stack = await startSwitchStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const target = () => stack.sip.sipTarget;
  const cdrsFor = async (destination: string): Promise<CdrRow[]> =>
    (await stack.pool.query<CdrRow>('SELECT disposition, sip_status, direction, gateway_id FROM cdrs WHERE called_number = $1', [destination])).rows;
  const transfers = async (outcome: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${stack.switch.health.port}/metrics`)).text();
    return Number(new RegExp(`switch_transfers_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it('transfers the carrier leg to another softphone of the tenant: 202, NOTIFY 100/200, carrier re-INVITEd, referrer BYE, one CDR', async () => {
    const port = await freePort();
    await runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), localPort: port, keys: { user: 'bob', realm: stack.fx.realm }, extraArgs: ['-au', 'bob', '-ap', 'bob-pw'] });
    const bob = await startSipp({ scenario: 'uas-softphone-answer-srtp-then-bye.xml', localPort: port, calls: 1, keys: { user: 'bob', realm: stack.fx.realm }, extraArgs: ['-d', '1000'], timeoutSec: 30 });
    const gw = await startSipp({ scenario: 'uas-answer-reinvite-bye.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const alice = await runSipp({
      calls: 1,
      scenario: 'uac-softphone-refer.xml',
      target: target(),
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460041', target: 'bob' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', '500'],
      timeoutSec: 30,
    });
    expect(alice.stats['SuccessfulCall(C)']).toBe('1');
    // bob hangs up after a second; the switch then ends the carrier leg.
    expect((await bob.done).stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor('+442079460041')).length === 1, 'the transferred call CDR');
    expect((await cdrsFor('+442079460041'))[0]).toMatchObject({ disposition: 'answered', direction: 'outbound', gateway_id: stack.fx.gatewayA });
    expect(await transfers('completed')).toBe(1);
    expect(stack.switch.active.size).toBe(0);
  });

  it('reports a target that cannot be reached in the final NOTIFY (480) and keeps the call', async () => {
    const failedBefore = await transfers('failed');
    // carol is a SIP user of the tenant with no registered device.
    await stack.pool.query(`INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256) VALUES ($1, 'carol', $2, $3, $4)`, [
      stack.fx.tenantId,
      stack.fx.realm,
      computeHa1('MD5', 'carol', stack.fx.realm, 'carol-pw'),
      computeHa1('SHA-256', 'carol', stack.fx.realm, 'carol-pw'),
    ]);
    const gw = await startSipp({ scenario: 'uas-answer.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const alice = await runSipp({
      calls: 1,
      scenario: 'uac-softphone-refer-target-fails.xml',
      target: target(),
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460043', target: 'carol' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', '500'],
      timeoutSec: 30,
    });
    expect(alice.stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor('+442079460043')).length === 1, 'the CDR');
    expect((await cdrsFor('+442079460043'))[0]).toMatchObject({ disposition: 'answered' });
    expect(await transfers('failed')).toBe(failedBefore + 1);
  });

  it('refuses a transfer to a user outside the tenant with 403 and keeps the call', async () => {
    const refusedBefore = await transfers('refused');
    const gw = await startSipp({ scenario: 'uas-answer.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const alice = await runSipp({
      calls: 1,
      scenario: 'uac-softphone-refer-expect-403.xml',
      target: target(),
      keys: { user: 'alice', realm: stack.fx.realm, dialled: '02079460042', target: 'sip:bob@other.sip.test' },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', '500'],
      timeoutSec: 30,
    });
    expect(alice.stats['SuccessfulCall(C)']).toBe('1');
    expect((await gw.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor('+442079460042')).length === 1, 'the CDR');
    expect((await cdrsFor('+442079460042'))[0]).toMatchObject({ disposition: 'answered' });
    expect(await transfers('refused')).toBe(refusedBefore + 1);
  });

  it('lets the called device of an inbound call transfer the carrier to another user of the tenant', async () => {
    const completedBefore = await transfers('completed');
    await stack.pool.query(`INSERT INTO sip_users (tenant_id, username, realm, ha1_md5, ha1_sha256) VALUES ($1, 'dave', $2, $3, $4)`, [
      stack.fx.tenantId,
      stack.fx.realm,
      computeHa1('MD5', 'dave', stack.fx.realm, 'dave-pw'),
      computeHa1('SHA-256', 'dave', stack.fx.realm, 'dave-pw'),
    ]);
    const register = async (user: string) => {
      const port = await freePort();
      await runSipp({ calls: 1, scenario: 'uac-softphone-register.xml', target: target(), localPort: port, keys: { user, realm: stack.fx.realm }, extraArgs: ['-au', user, '-ap', `${user}-pw`] });
      return port;
    };
    const [bobPort, davePort] = [await register('bob'), await register('dave')];
    const bob = await startSipp({ scenario: 'uas-softphone-answer-then-refer.xml', localPort: bobPort, calls: 1, keys: { user: 'bob', realm: stack.fx.realm, target: 'dave' }, extraArgs: ['-d', '500'], timeoutSec: 30 });
    const dave = await startSipp({ scenario: 'uas-softphone-answer-srtp.xml', localPort: davePort, calls: 1, keys: { user: 'dave', realm: stack.fx.realm }, timeoutSec: 30 });
    const carrier = await runSipp({
      calls: 1,
      scenario: 'uac-carrier-call-reinvite-bye.xml',
      target: target(),
      localAddress: '127.0.0.2',
      keys: { did: stack.fx.didToUsers.slice(1), caller: '442079460098' },
      extraArgs: ['-d', '1000'],
      timeoutSec: 30,
    });
    expect(carrier.stats['SuccessfulCall(C)']).toBe('1');
    expect((await bob.done).stats['SuccessfulCall(C)']).toBe('1');
    expect((await dave.done).stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await cdrsFor(stack.fx.didToUsers)).length === 1, 'the inbound CDR');
    expect((await cdrsFor(stack.fx.didToUsers))[0]).toMatchObject({ disposition: 'answered', direction: 'inbound' });
    expect(await transfers('completed')).toBe(completedBefore + 1);
  });
});
