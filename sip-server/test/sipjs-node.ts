// sip.js (npm) as a Node softphone for signalling tests: a WebSocket shim (sip.js opens
// `new WebSocket(url, 'sip')` as in a browser; the `ws` client plays that part and trusts a given
// CA, so WSS needs no NODE_TLS_REJECT_UNAUTHORIZED) and a SessionDescriptionHandler that offers and
// answers one static SDP (no WebRTC in Node; the tests are about SIP, not media).
import type { SessionDescriptionHandler } from 'sip.js';
import { UserAgent, type UserAgentDelegate } from 'sip.js';
import { WebSocket } from 'ws';

export const SIPJS_SDP = ['v=0', 'o=sipjs 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 41000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** Offers/answers SIPJS_SDP and remembers the far end's SDP. */
export class StaticSdh implements SessionDescriptionHandler {
  remoteSdp: string | undefined;
  close(): void {
    this.remoteSdp = undefined;
  }
  getDescription(): Promise<{ body: string; contentType: string }> {
    return Promise.resolve({ body: SIPJS_SDP, contentType: 'application/sdp' });
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  setDescription(sdp: string): Promise<void> {
    this.remoteSdp = sdp;
    return Promise.resolve();
  }
  sendDtmf(): boolean {
    return false;
  }
}

/**
 * Installs a global `WebSocket` for sip.js (Node 20 has none) that trusts `ca` for wss.
 * Returns the function that restores the previous global.
 */
export function installNodeWebSocket(ca?: string): () => void {
  class NodeWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, ca === undefined ? {} : { ca });
    }
  }
  const g = globalThis as { WebSocket?: unknown };
  const previous = g.WebSocket;
  g.WebSocket = NodeWebSocket;
  return () => {
    g.WebSocket = previous;
  };
}

export type SipJsUaOptions = {
  /** `ws://host:port` or `wss://host:port`. */
  server: string;
  aor: string;
  username: string;
  password: string;
  delegate?: UserAgentDelegate;
};

/** A started sip.js UserAgent with the static SDH. */
export async function startSipJsUa(o: SipJsUaOptions): Promise<UserAgent> {
  const uri = UserAgent.makeURI(o.aor);
  if (uri === undefined) throw new Error(`bad AOR ${o.aor}`);
  const ua = new UserAgent({
    uri,
    transportOptions: { server: o.server },
    authorizationUsername: o.username,
    authorizationPassword: o.password,
    sessionDescriptionHandlerFactory: () => new StaticSdh(),
    logBuiltinEnabled: false,
    logLevel: 'error',
    ...(o.delegate === undefined ? {} : { delegate: o.delegate }),
  });
  await ua.start();
  return ua;
}
