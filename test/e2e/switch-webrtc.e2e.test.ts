// WebRTC clients. Media: baresip with DTLS-SRTP (mediaenc=dtls_srtp, UDP/TLS/RTP/SAVPF) calls out
// through the switch to a carrier that echoes plain RTP; rtpengine must run DTLS-SRTP on the
// softphone leg and plain RTP toward the carrier, with packets flowing both ways. Signalling:
// sip.js registered over WebSocket (RFC 7118) is called from a carrier and must be offered
// DTLS-SRTP with ICE (RFC 8827), while the carrier gets plain RTP.
import type { Invitation, UserAgent } from 'sip.js';
import { Registerer, RegistererState } from 'sip.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { installNodeWebSocket, StaticSdh, startSipJsUa } from '#sip-server/test/sipjs-node.js';
import { runSipp } from '#test/support/sipp.js';
import { createLogger } from '#lib/log/index.js';
import { MediaSession, NgClient, type LegStats } from '#media/index.js';
import { startBaresipCall } from '#test/support/baresip.js';
import { startSipp } from '#test/support/sipp.js';
import { eventually, startSwitchStack, type SwitchStack } from '#test/support/switch-stack.js';
import { readWav, toneShare } from '#test/support/wav.js';

describe('WebRTC-style softphone (DTLS-SRTP) through rtpengine', () => {
  let stack: SwitchStack;
  let ng: NgClient;
  const log = createLogger({ service: 'webrtc-e2e', level: 'silent' });

  beforeAll(async () => {
    // baresip 1.0 (libre) refuses the whole challenge when one of them is not MD5.
    stack = await startSwitchStack({ digestAlgorithms: 'MD5' });
    ng = new NgClient({ target: inject('rtpengineNg'), log });
  });
  afterAll(async () => {
    ng.close();
    await stack.stop();
  });

  it('runs DTLS-SRTP on the softphone leg and plain RTP to the carrier, packets both ways', async () => {
    const carrier = await startSipp({ scenario: 'builtin:uas', localAddress: '127.0.0.2', localPort: stack.gatewayPorts[0], calls: 1, timeoutSec: 30, extraArgs: ['-rtp_echo'] });
    const phone = await startBaresipCall({
      user: 'alice',
      realm: stack.fx.realm,
      password: 'alice-pw',
      proxy: stack.sip.sipTarget,
      dial: `sip:02079460061@${stack.fx.realm}`,
      seconds: 7,
      toneHz: 1_000,
      mediaenc: 'dtls_srtp',
    });
    await eventually(() => stack.switch.active.size === 1, 'the call to be answered').catch(async (err: unknown) => {
      const r = await phone.done;
      throw new Error(`${(err as Error).message}; baresip said:\n${r.output.slice(-3_000)}`);
    });
    const callId = [...stack.switch.active.keys()][0] ?? '';
    await new Promise((r) => setTimeout(r, 3_500));
    const stats: LegStats[] = await new MediaSession({ ng, callId, log }).stats();
    const raw = JSON.stringify(await ng.request('query', { 'call-id': callId }));
    const result = await phone.done;
    await carrier.done.catch(() => undefined);

    const phoneLeg = stats.find((s) => s.protocol?.startsWith('UDP/TLS/RTP/SAVP'));
    const carrierLeg = stats.find((s) => s.protocol === 'RTP/AVP');
    expect(phoneLeg, JSON.stringify(stats)).toBeDefined();
    expect(carrierLeg, JSON.stringify(stats)).toBeDefined();
    expect(phoneLeg!.packets).toBeGreaterThan(50);
    expect(carrierLeg!.packets).toBeGreaterThan(50);
    // rtpengine checked the softphone's DTLS fingerprint: the handshake really happened.
    expect(raw).toContain('DTLS fingerprint verified');

    expect(result.decodedWav, result.output.slice(-2_000)).toBeDefined();
    const heard = readWav(result.decodedWav!);
    expect(toneShare(heard.samples, heard.rate, 1_000)).toBeGreaterThan(0.3);
  });
});

/** What a browser answers: DTLS-SRTP (RFC 5763 setup/fingerprint) with ICE credentials and a candidate. */
const BROWSER_ANSWER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 41010 UDP/TLS/RTP/SAVPF 0',
  'a=rtpmap:0 PCMU/8000',
  'a=setup:active',
  'a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF',
  'a=ice-ufrag:Abcd',
  'a=ice-pwd:0123456789abcdefghijklmn',
  'a=candidate:1 1 UDP 2130706431 127.0.0.1 41010 typ host',
  'a=rtcp-mux',
  '',
].join('\r\n');

class BrowserSdh extends StaticSdh {
  static offers: string[] = [];
  override getDescription(): Promise<{ body: string; contentType: string }> {
    return Promise.resolve({ body: BROWSER_ANSWER, contentType: 'application/sdp' });
  }
  override setDescription(sdp: string): Promise<void> {
    BrowserSdh.offers.push(sdp);
    return super.setDescription(sdp);
  }
}

describe('WebRTC client (sip.js over WebSocket) called through the switch', () => {
  let stack: SwitchStack;
  let ua: UserAgent;
  let restoreWebSocket: () => void;

  beforeAll(async () => {
    stack = await startSwitchStack({ digestAlgorithms: 'MD5', webSocket: true });
    restoreWebSocket = installNodeWebSocket();
    const wsPort = stack.sip.service.sip.listening.find((l) => l.protocol === 'ws')?.localPort ?? 0;
    ua = await startSipJsUa({
      server: `ws://127.0.0.1:${wsPort}`,
      aor: `sip:bob@${stack.fx.realm}`,
      username: 'bob',
      password: 'bob-pw',
      delegate: { onInvite: (invitation: Invitation) => void invitation.accept({ sessionDescriptionHandlerOptions: {} }) },
    });
    // sip.js builds one handler per session through the factory given at start; swap it for the browser's.
    (ua as unknown as { configuration: { sessionDescriptionHandlerFactory: () => StaticSdh } }).configuration.sessionDescriptionHandlerFactory = () => new BrowserSdh();
    const registerer = new Registerer(ua);
    const registered = new Promise<void>((resolve) => {
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve();
      });
    });
    await registerer.register();
    await registered;
  });
  afterAll(async () => {
    await ua.stop();
    restoreWebSocket();
    await stack.stop();
  });

  it('offers DTLS-SRTP with ICE to the WebSocket device and plain RTP to the carrier', async () => {
    const carrier = await runSipp({
      calls: 1,
      scenario: 'uac-carrier-call-bye.xml',
      target: stack.sip.sipTarget,
      localAddress: '127.0.0.2',
      keys: { did: stack.fx.didToUsers.slice(1), caller: '442079460099' },
      extraArgs: ['-d', '1000'],
      timeoutSec: 20,
    });
    expect(carrier.stats['SuccessfulCall(C)']).toBe('1');
    const offer = BrowserSdh.offers[0] ?? '';
    expect(offer).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);
    expect(offer).toMatch(/^a=fingerprint:sha-\d+ /m);
    expect(offer).toMatch(/^a=setup:(actpass|passive|active)/m);
    expect(offer).toMatch(/^a=ice-ufrag:/m);
    expect(offer).toMatch(/^a=candidate:/m);
    expect(offer).not.toMatch(/^a=crypto:/m);
    await eventually(async () => (await stack.pool.query("SELECT 1 FROM cdrs WHERE called_number = $1 AND disposition = 'answered'", [stack.fx.didToUsers])).rowCount === 1, 'the inbound CDR');
  });
});
