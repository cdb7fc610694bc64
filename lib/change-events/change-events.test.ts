import { describe, expect, it } from 'vitest';
import { changeChannel, decodeChangeEvent, encodeChangeEvent } from './index.js';

describe('change events', () => {
  it('round-trips an event and names its channel', () => {
    const event = { v: 1 as const, entity: 'rate_deck' as const, op: 'updated' as const, id: 'd1', tenantId: null, at: 1_700_000_000_000 };
    expect(decodeChangeEvent(encodeChangeEvent(event))).toEqual({ ok: true, event });
    expect(changeChannel('sip_user')).toBe('softswitch:changes:sip_user');
  });

  it('rejects garbage and unknown fields with a reason', () => {
    expect(decodeChangeEvent('{')).toEqual({ ok: false, error: 'not JSON' });
    const r = decodeChangeEvent(JSON.stringify({ v: 1, entity: 'tenant', op: 'updated', id: 'x', tenantId: null, at: 1, extra: 1 }));
    expect(r.ok).toBe(false);
    const bad = decodeChangeEvent(JSON.stringify({ v: 1, entity: 'nope', op: 'updated', id: 'x', tenantId: null, at: 1 }));
    expect(!bad.ok && bad.error).toContain('entity');
  });
});
