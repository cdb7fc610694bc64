import { describe, expect, it } from 'vitest';
import { Dialog, makeDialogId } from './dialog.js';
import { DialogTable } from './dialog-table.js';

function uasDialog(): Dialog {
  return new Dialog({
    id: makeDialogId('c1', 'remote'),
    role: 'uas',
    callId: 'c1',
    localTag: 'local',
    remoteTag: 'remote',
    localUri: '<sip:bob@b>',
    remoteUri: '<sip:alice@a>',
    remoteTarget: 'sip:alice@10.0.0.1',
    routeSet: [],
    localSeq: undefined,
    remoteSeq: 5,
    localContact: '<sip:b>',
    ownerId: 'app-1',
    peer: { protocol: 'udp', address: '10.0.0.1', port: 5060 },
  });
}

describe('Dialog', () => {
  it('uses the drachtio id form Call-ID;from-tag=<tag>', () => {
    expect(makeDialogId('abc@h', 'x1')).toBe('abc@h;from-tag=x1');
  });

  it('rejects out-of-order remote CSeq but lets ACK/CANCEL reuse the INVITE number (RFC 3261 §12.2.2)', () => {
    const d = uasDialog();
    expect(d.acceptRemoteSeq(5, 'BYE')).toBe(false);
    expect(d.acceptRemoteSeq(5, 'ACK')).toBe(true);
    expect(d.acceptRemoteSeq(6, 'INFO')).toBe(true);
    expect(d.acceptRemoteSeq(6, 'BYE')).toBe(false);
  });

  it('numbers local requests upward and honours a higher app-given CSeq', () => {
    const d = uasDialog();
    expect(d.nextLocalSeq()).toBe(1);
    d.useLocalSeq(10);
    expect(d.nextLocalSeq()).toBe(11);
    d.useLocalSeq(3);
    expect(d.nextLocalSeq()).toBe(12);
  });

  it('moves early → confirmed → terminated and refuses to come back', () => {
    const d = uasDialog();
    d.confirm();
    expect(d.state).toBe('confirmed');
    d.terminate();
    expect(d.state).toBe('terminated');
    expect(() => d.confirm()).toThrow(/terminated → confirmed/);
  });

  it('matches requests by Call-ID, our tag and their tag, and forgets removed dialogs', () => {
    const t = new DialogTable();
    const d = uasDialog();
    t.add(d);
    expect(t.match('c1', 'local', 'remote')).toBe(d);
    expect(t.match('c1', 'remote', 'local')).toBeUndefined();
    expect(t.get('c1;from-tag=remote')).toBe(d);
    expect(t.ownedBy('app-1')).toEqual([d]);
    t.remove(d);
    expect(t.size).toBe(0);
    expect(d.state).toBe('terminated');
  });
});
