// Reliable provisional responses through the switch's B2BUA (RFC 3262): a carrier rings with a
// reliable 183; a softphone that supports 100rel gets it reliably too and PRACKs it, one that does
// not gets it plainly, and both calls complete with their CDR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';

describe('switch PRACK relay', () => {
  let stack: SwitchStack;

  beforeAll(async () => {
    stack = await startSwitchStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  const answeredCdrs = async (destination: string): Promise<number> =>
    (await stack.pool.query("SELECT 1 FROM cdrs WHERE called_number = $1 AND disposition = 'answered'", [destination])).rowCount ?? 0;

  const call = async (dialled: string, scenario: string) => {
    const gw = await startSipp({ scenario: 'uas-100rel-183-answer.xml', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30 });
    const phone = await runSipp({
      calls: 1,
      scenario,
      target: stack.sip.sipTarget,
      keys: { user: 'alice', realm: stack.fx.realm, dialled },
      extraArgs: ['-au', 'alice', '-ap', 'alice-pw', '-d', '500'],
      timeoutSec: 30,
    });
    return { phone, carrier: await gw.done };
  };

  it('relays a carrier’s reliable 183 reliably to a softphone that supports 100rel; each hop PRACKed', async () => {
    // The carrier's sipp checks the switch's PRACK (RAck) and the softphone's sipp the 183's RSeq and Require.
    const { phone, carrier } = await call('02079460071', 'uac-softphone-100rel-prack-bye.xml');
    expect(phone.stats['SuccessfulCall(C)']).toBe('1');
    expect(carrier.stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await answeredCdrs('+442079460071')) === 1, 'the answered CDR');
  });

  it('completes the call for a softphone without 100rel: the carrier’s reliable 183 is PRACKed by the switch’s side alone', async () => {
    const { phone, carrier } = await call('02079460072', 'uac-softphone-call-bye.xml');
    expect(phone.stats['SuccessfulCall(C)']).toBe('1');
    expect(carrier.stats['SuccessfulCall(C)']).toBe('1');
    await eventually(async () => (await answeredCdrs('+442079460072')) === 1, 'the answered CDR');
  });
});
