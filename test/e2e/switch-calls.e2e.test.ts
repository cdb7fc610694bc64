// The whole path with real peers: sipp softphones and carriers, sip-server, switch, rtpengine,
// rater, PostgreSQL and Redis. Each test asserts what the peers saw and what was written.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '#lib/local-stack/index.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';

type CdrRow = { disposition: string; sip_status: number; direction: string; billable_sec: number; price_minor: number; gateway_id: string | null };

describe('switch call flows', () => {
  let stack: SwitchStack;

  beforeAll(async () => {
    stack = await startSwitchStack();
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
});
