import { describe, expect, it } from 'vitest';
import type { Binding } from '../registrar/bindings.js';
import { deviceProfile, devicesSharingOneProfile } from './device-profile.js';

const device = (transport: string, n = 1): Binding => ({ contact: `sip:u${n}@10.0.0.${n}`, expiresAtMs: 1, callId: `c${n}`, cseq: 1, source: { transport, host: `10.0.0.${n}`, port: 5060 } });

describe('device media profile', () => {
  it('is WebRTC for devices registered over WS or WSS, SDES-SRTP otherwise', () => {
    expect(deviceProfile(device('wss'))).toBe('webrtc');
    expect(deviceProfile(device('WS'))).toBe('webrtc');
    expect(deviceProfile(device('udp'))).toBe('srtp');
    expect(deviceProfile(device('tls'))).toBe('srtp');
  });

  it('rings browsers only when every device is one, since all share one offer', () => {
    const phone = device('udp', 1);
    const browser = device('wss', 2);
    expect(devicesSharingOneProfile([browser])).toEqual({ profile: 'webrtc', devices: [browser] });
    expect(devicesSharingOneProfile([browser, phone])).toEqual({ profile: 'srtp', devices: [phone] });
    expect(devicesSharingOneProfile([])).toEqual({ profile: 'srtp', devices: [] });
  });
});
