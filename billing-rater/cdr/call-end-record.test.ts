import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callEndRecordSchema, decodeCallEndRecord, type CallEndRecord } from './call-end-record.js';

const base: CallEndRecord = {
  callId: 'c1',
  tenantId: '0b6f7d3e-8a51-4c55-9c39-3f0c2c7f5b11',
  caller: '+4915112345678',
  destination: '+4930123456',
  direction: 'outbound',
  gatewayId: null,
  carrierId: null,
  startedAtMs: 1_000,
  ringAtMs: 2_000,
  answeredAtMs: 3_000,
  endedAtMs: 63_000,
  sipStatus: 200,
  sipReason: 'OK',
  disposition: 'answered',
  endReason: null,
  billableSec: 60,
  priceMinor: 6,
  costMinor: 3,
  currency: 'EUR',
  bundleUse: [{ bundleId: 'b', sec: 10 }],
  rating: { prefix: '49' },
  reserved: true,
  reconciled: false,
};

describe('decodeCallEndRecord', () => {
  it('accepts what the schema accepts', () => {
    expect(callEndRecordSchema.safeParse(base).success).toBe(true);
    expect(decodeCallEndRecord(JSON.stringify(base))).toEqual(base);
  });

  it('rejects malformed records the schema rejects', () => {
    const bad: unknown[] = [
      { ...base, priceMinor: -1 },
      { ...base, priceMinor: 1.5 },
      { ...base, direction: 'sideways' },
      { ...base, disposition: 'maybe' },
      { ...base, sipStatus: 99 },
      { ...base, callId: '' },
      { ...base, bundleUse: [{ bundleId: 'b', sec: 0 }] },
      { ...base, reserved: 'yes' },
      [],
      null,
    ];
    for (const b of bad) {
      expect(callEndRecordSchema.safeParse(b).success).toBe(false);
      expect(decodeCallEndRecord(JSON.stringify(b))).toBeNull();
    }
    expect(decodeCallEndRecord('{')).toBeNull();
  });

  it('never accepts what the schema rejects (mutated fields)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(base)), fc.jsonValue(), (key, value) => {
        const candidate = { ...base, [key]: value };
        if (decodeCallEndRecord(JSON.stringify(candidate)) !== null) {
          // destination/tenant formats are checked by the API schema before queueing; the decoder only bounds lengths
          if (key !== 'destination' && key !== 'tenantId' && key !== 'gatewayId' && key !== 'carrierId' && key !== 'rating') {
            expect(callEndRecordSchema.safeParse(JSON.parse(JSON.stringify(candidate))).success).toBe(true);
          }
        }
      }),
    );
  });
});
