// sip.js (npm) in Node over WS and over WSS through the sip-server service (RFC 7118): it registers
// with digest auth answered by a drachtio-srf registrar app (401, then 200), calls a sipp UAS through
// the app's B2BUA and hangs up; and it is called by a sipp UAC, the app reaching it over the socket it
// registered on (its Contact host is *.invalid, RFC 7118 §5). WSS trusts our self-signed certificate
// explicitly (no NODE_TLS_REJECT_UNAUTHORIZED).
import { Invitation, Inviter, Registerer, RegistererState, SessionState, type Session, type UserAgent } from 'sip.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { generateSelfSignedCert } from '#sip-server/transport/index.js';
import { runSipp, startSipp } from '#test/support/sipp.js';
import { startRegistrarApp, type RegistrarApp } from '#test/support/srf-apps/registrar-app.js';
import { installNodeWebSocket, SIPJS_SDP, StaticSdh, startSipJsUa } from './sipjs-node.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

const WAIT = { timeout: 10_000, interval: 20 };
const USERS = { alice: 'alice-secret' };

describe.each(['ws', 'wss'] as const)('sip.js over %s through the sip-server and a drachtio-srf app', (kind) => {
  let server: TestSipServer;
  let app: RegistrarApp;
  let ua: UserAgent;
  let restoreWebSocket: () => void;
  let sippUasPort = 0;
  let stopUas: () => void;
  let uasDone: Promise<unknown>;
  const sessions: Session[] = [];

  beforeAll(async () => {
    const cert = await generateSelfSignedCert({ clock: new SystemClock() });
    server = await startTestSipServer({
      SIPSRV_CONTACTS: `sip:127.0.0.1:0;transport=udp sip:127.0.0.1:0;transport=${kind}`,
      SIPSRV_TLS_KEY: cert.key,
      SIPSRV_TLS_CERT: cert.cert,
    });
    const uas = await startSipp({ scenario: 'uas-answer.xml', calls: 1, timeoutSec: 60 });
    sippUasPort = uas.port;
    stopUas = () => uas.kill();
    uasDone = uas.done;
    app = await startRegistrarApp(server.admin, { users: USERS, realm: 'sip-server.test', target: `127.0.0.1:${sippUasPort}` });
    restoreWebSocket = installNodeWebSocket(cert.cert);
    const wsPort = server.service.sip.listening.find((l) => l.protocol === kind)?.localPort ?? 0;
    ua = await startSipJsUa({
      server: `${kind}://127.0.0.1:${wsPort}`,
      aor: 'sip:alice@127.0.0.1',
      username: 'alice',
      password: USERS.alice,
      delegate: {
        onInvite: (invitation: Invitation): void => {
          sessions.push(invitation);
          void invitation.accept();
        },
      },
    });
  });

  afterAll(async () => {
    await ua.stop();
    restoreWebSocket();
    app.stop();
    stopUas();
    await uasDone.catch(() => undefined);
    await server.stop();
  });

  it('registers with digest auth (401 then 200) and the binding keeps its flow', async () => {
    const registerer = new Registerer(ua, { expires: 600 });
    const states: RegistererState[] = [];
    registerer.stateChange.addListener((s) => states.push(s));
    await registerer.register();
    await vi.waitFor(() => expect(states).toContain(RegistererState.Registered), WAIT);
    expect(app.events.challenged).toBe(1);
    expect(app.events.registered).toBe(1);
    const binding = app.bindings.get('alice');
    expect(binding?.contact).toMatch(/^sip:[^@]+@[^;]+\.invalid;transport=ws$/);
    expect(binding?.flow).toMatchObject({ protocol: kind, address: '127.0.0.1' });
  });

  it('calls a sipp UAS through the B2BUA and hangs up', async () => {
    const target = ua.userAgentCore.configuration.aor.clone();
    target.user = '1000';
    const inviter = new Inviter(ua, target);
    const states: SessionState[] = [];
    inviter.stateChange.addListener((s) => states.push(s));
    await inviter.invite();
    await vi.waitFor(() => expect(states).toContain(SessionState.Established), WAIT);
    // The answer is sipp's SDP, carried through the app's B2BUA.
    const sdh = inviter.sessionDescriptionHandler as StaticSdh;
    expect(sdh.remoteSdp).toMatch(/^v=0/);
    expect(sdh.remoteSdp).not.toBe(SIPJS_SDP);
    await inviter.bye();
    await vi.waitFor(() => expect(states).toContain(SessionState.Terminated), WAIT);
    // sipp's UAS got the BYE and answered it: its one call ends successfully.
    await expect(uasDone).resolves.toBeDefined();
    await vi.waitFor(() => expect(app.events.ended).toBeGreaterThanOrEqual(1), WAIT);
    expect(app.events.connected).toBe(1);
    expect(app.events.errors).toEqual([]);
  });

  it('is called by a sipp UAC and reached over its registered socket (RFC 7118 §5)', async () => {
    expect(app.bindings.has('alice')).toBe(true);
    const before = sessions.length;
    const udpPort = server.service.sip.listening.find((l) => l.protocol === 'udp')?.localPort ?? 0;
    await runSipp({ scenario: 'uac-invite-bye.xml', target: `127.0.0.1:${udpPort}`, calls: 1, timeoutSec: 30, extraArgs: ['-s', 'alice'] });
    expect(sessions.length).toBe(before + 1);
    const session = sessions[before] as Session;
    // sipp's BYE went through the app to the browser over the same socket (its *.invalid Contact).
    await vi.waitFor(() => expect(session.state).toBe(SessionState.Terminated), WAIT);
    expect(app.events.errors).toEqual([]);
  });
});
