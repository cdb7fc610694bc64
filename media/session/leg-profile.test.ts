import { describe, expect, it } from 'vitest';
import { clientLegProfile, ngParamsToward, profileOfSdp } from './leg-profile.js';

const sdp = (proto: string) => `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 ${proto} 0\r\n`;

describe('leg profiles', () => {
  it('recognises the profile an SDP uses', () => {
    expect(profileOfSdp(sdp('RTP/SAVP'))).toBe('srtp');
    expect(profileOfSdp(sdp('UDP/TLS/RTP/SAVPF'))).toBe('webrtc');
    expect(profileOfSdp(sdp('RTP/AVP'))).toBe('rtp');
    expect(profileOfSdp('v=0\r\n')).toBeUndefined();
  });

  it('keeps plain RTP from a softphone only when the tenant allows it', () => {
    expect(clientLegProfile(sdp('RTP/AVP'), 'allow')).toBe('rtp');
    expect(clientLegProfile(sdp('RTP/AVP'), 'reject')).toBeUndefined();
    expect(clientLegProfile(sdp('RTP/SAVP'), 'reject')).toBe('srtp');
    expect(clientLegProfile(sdp('UDP/TLS/RTP/SAVPF'), 'reject')).toBe('webrtc');
  });

  it('asks rtpengine for SDES without GCM toward SRTP legs and for DTLS with ICE toward WebRTC legs', () => {
    const srtp = ngParamsToward('srtp');
    expect(srtp['transport-protocol']).toBe('RTP/SAVP');
    expect(srtp['DTLS']).toBe('off');
    expect(srtp['SDES']).toEqual(expect.arrayContaining(['no-AEAD_AES_256_GCM', 'no-AEAD_AES_128_GCM', 'pad']));
    expect(srtp['SDES']).not.toContain('no-AES_CM_128_HMAC_SHA1_80');
    const webrtc = ngParamsToward('webrtc');
    expect(webrtc).toMatchObject({ 'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', SDES: ['off'] });
    expect(ngParamsToward('rtp')).toMatchObject({ 'transport-protocol': 'RTP/AVP', SDES: ['off'] });
  });
});
