// How rtpengine presents media on one side of a call. The profile of a leg decides the ng flags
// of the request whose output goes toward that leg: the offer's output goes to the callee, the
// answer's output to the caller (rtpengine ng protocol, `transport-protocol` and friends).
import type { NgParams } from '../ng/ng-client.js';

/** `srtp`: SDES-keyed SRTP (RFC 4568), the default toward softphones. `webrtc`: DTLS-SRTP with ICE
 * (RFC 5763, RFC 8445), for browser clients. `rtp`: plain RTP, for carriers that do not do SRTP
 * and for tenants that allow plain-RTP softphones. */
export type LegProfile = 'srtp' | 'webrtc' | 'rtp';

/** SDES suites rtpengine 10.5 offers that we leave out: the GCM suites (baresip 1.0 mis-decodes
 * rtpengine's unpadded GCM keys, shared MEDIA-FACTS §3) and the rare ones. Keeps
 * AES_CM_128_HMAC_SHA1_80 and _32, which every SRTP softphone supports. */
const SDES_EXCLUDED = [
  'no-AEAD_AES_256_GCM',
  'no-AEAD_AES_128_GCM',
  'no-AES_256_CM_HMAC_SHA1_80',
  'no-AES_256_CM_HMAC_SHA1_32',
  'no-AES_192_CM_HMAC_SHA1_80',
  'no-AES_192_CM_HMAC_SHA1_32',
  'no-F8_128_HMAC_SHA1_80',
  'no-F8_128_HMAC_SHA1_32',
  'no-NULL_HMAC_SHA1_80',
  'no-NULL_HMAC_SHA1_32',
] as const;

/** ng keys that make rtpengine's output toward a leg use `profile`. */
export function ngParamsToward(profile: LegProfile): NgParams {
  switch (profile) {
    case 'srtp':
      return { 'transport-protocol': 'RTP/SAVP', ICE: 'remove', DTLS: 'off', SDES: [...SDES_EXCLUDED, 'pad'], 'rtcp-mux': ['demux'] };
    case 'webrtc':
      return { 'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', DTLS: 'passive', SDES: ['off'], 'rtcp-mux': ['offer', 'require'] };
    case 'rtp':
      return { 'transport-protocol': 'RTP/AVP', ICE: 'remove', DTLS: 'off', SDES: ['off'], 'rtcp-mux': ['demux'] };
  }
}

/** The transport protocols of the m= lines of an SDP body (RFC 4566 §5.14), in order. */
export function sdpMediaProtocols(sdp: string): string[] {
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      const proto = line.split(' ')[2];
      if (proto) out.push(proto);
    }
  }
  return out;
}

/** The profile an SDP body itself uses: from the first m= line's protocol. */
export function profileOfSdp(sdp: string): LegProfile | undefined {
  const proto = sdpMediaProtocols(sdp)[0];
  if (proto === undefined) return undefined;
  if (proto.includes('TLS')) return 'webrtc';
  if (proto === 'RTP/SAVP' || proto === 'RTP/SAVPF') return 'srtp';
  if (proto === 'RTP/AVP' || proto === 'RTP/AVPF') return 'rtp';
  return undefined;
}

/** Tenant policy for softphones that offer plain RTP. */
export type PlainRtpPolicy = 'allow' | 'reject';

/**
 * The profile to use toward a softphone, given the SDP it sent (offer or answer) and its tenant's
 * policy: SRTP and WebRTC stay as they are; plain RTP is kept only where the tenant allows it.
 * `undefined` means the call must be refused (488 Not Acceptable Here, RFC 3261 §21.4.26).
 */
export function clientLegProfile(sdp: string, policy: PlainRtpPolicy): LegProfile | undefined {
  const profile = profileOfSdp(sdp);
  if (profile === 'rtp') return policy === 'allow' ? 'rtp' : undefined;
  return profile;
}
