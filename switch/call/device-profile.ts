// Media toward a registered device follows the transport it registered over: a browser client on
// a WebSocket (RFC 7118) gets DTLS-SRTP with ICE (RFC 8827 §6.5 requires both), any other device
// SDES-SRTP.
import type { LegProfile } from '#media/index.js';
import type { Binding } from '../registrar/bindings.js';

export function deviceProfile(device: Binding): LegProfile {
  const transport = device.source.transport.toLowerCase();
  return transport === 'ws' || transport === 'wss' ? 'webrtc' : 'srtp';
}

/**
 * The devices to ring together and the profile of the one offer they share.
 * DEVIATION: rtpengine keeps one offer per caller leg, so a mix of WebRTC and other devices cannot
 * each get their own; the non-browser devices are rung then, and the browsers only when they are
 * all there is.
 */
export function devicesSharingOneProfile(devices: readonly Binding[]): { profile: LegProfile; devices: Binding[] } {
  const others = devices.filter((d) => deviceProfile(d) !== 'webrtc');
  if (others.length > 0 || devices.length === 0) return { profile: 'srtp', devices: others };
  return { profile: 'webrtc', devices: [...devices] };
}
