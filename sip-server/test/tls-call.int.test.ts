// Calls over TLS (RFC 3261 §26) through the sip-server service with a real TLS softphone: baresip
// (Debian baresip-core, libre with OpenSSL) dials over TLS to the server, whose drachtio-srf B2BUA
// app bridges it to a sipp UAS over UDP, or (both legs over TLS) to a `sips:` URI of a second
// baresip, which the server reaches over TLS, checking its certificate against SIPSRV_TLS_CA;
// the caller hangs up at the end. Our self-signed certificate is
// given to baresip as `sip_cafile` (baresip 1.0 does not verify the server's certificate anyway, so
// this test proves TLS transport, not certificate checks; those are in transport-tls.int.test.ts).
// sipp is not the TLS client here: Debian's sipp 3.6.1 is built without OpenSSL (`-t l1` → "you must
// compile SIPp with OpenSSL").
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '#lib/clock/index.js';
import { generateSelfSignedCert } from '#sip-server/transport/index.js';
import { startBaresipAnswer, startBaresipCall } from '#test/support/baresip.js';
import { startSipp } from '#test/support/sipp.js';
import { startRegistrarApp, type RegistrarApp } from '#test/support/srf-apps/registrar-app.js';
import { startTestSipServer, type TestSipServer } from './sip-server-harness.js';

describe('a TLS call through the sip-server and a drachtio-srf B2BUA', () => {
  let server: TestSipServer;
  let dir: string;
  let caFile: string;
  /** Certificate and key of the answering baresip, which the server trusts through SIPSRV_TLS_CA. */
  let calleeCertFile: string;

  beforeAll(async () => {
    const clock = new SystemClock();
    const cert = await generateSelfSignedCert({ clock });
    const callee = await generateSelfSignedCert({ clock, commonName: 'callee.test' });
    dir = mkdtempSync(join(tmpdir(), 'tls-call-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, cert.cert);
    calleeCertFile = join(dir, 'callee.pem');
    writeFileSync(calleeCertFile, `${callee.cert}\n${callee.key}`);
    server = await startTestSipServer({
      SIPSRV_CONTACTS: 'sip:127.0.0.1:0;transport=udp sip:127.0.0.1:0;transport=tls',
      SIPSRV_TLS_KEY: cert.key,
      SIPSRV_TLS_CERT: cert.cert,
      SIPSRV_TLS_CA: callee.cert,
    });
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('baresip calls over TLS, the B2BUA bridges to a sipp UAS over UDP, and baresip hangs up', async () => {
    const uas = await startSipp({ scenario: 'uas-answer.xml', calls: 1, timeoutSec: 40 });
    let app: RegistrarApp | undefined;
    try {
      app = await startRegistrarApp(server.admin, { users: {}, realm: 'sip-server.test', target: `127.0.0.1:${uas.port}` });
      const tlsPort = server.service.sip.listening.find((l) => l.protocol === 'tls')?.localPort ?? 0;
      const phone = await startBaresipCall({
        user: 'alice',
        realm: '127.0.0.1',
        password: 'unused',
        proxy: `127.0.0.1:${tlsPort}`,
        transport: 'tls',
        caFile,
        mediaenc: 'none',
        dial: 'sip:1000@127.0.0.1',
        seconds: 3,
        toneHz: 1000,
      });
      const result = await phone.done;
      // sipp's UAS saw INVITE, ACK and BYE: its one call ended successfully.
      await expect(uas.done).resolves.toBeDefined();
      expect(app.events.inviteProtocols).toEqual(['tls']);
      expect(app.events.connected).toBe(1);
      expect(app.events.ended).toBeGreaterThanOrEqual(1);
      expect(app.events.errors).toEqual([]);
      expect(result.output).toMatch(/established/i);
    } finally {
      app?.stop();
      uas.kill();
      await uas.done.catch(() => undefined);
    }
  });

  it('both legs over TLS: the app bridges to a sips: URI, which the server reaches over TLS only (RFC 3261 §26.2.2)', async () => {
    const callee = await startBaresipAnswer({ user: '1000', certFile: calleeCertFile, seconds: 6 });
    let app: RegistrarApp | undefined;
    try {
      app = await startRegistrarApp(server.admin, { users: {}, realm: 'sip-server.test', target: `127.0.0.1:${callee.tlsPort}`, targetScheme: 'sips' });
      const tlsPort = server.service.sip.listening.find((l) => l.protocol === 'tls')?.localPort ?? 0;
      const phone = await startBaresipCall({
        user: 'alice',
        realm: '127.0.0.1',
        password: 'unused',
        proxy: `127.0.0.1:${tlsPort}`,
        transport: 'tls',
        caFile,
        mediaenc: 'none',
        dial: 'sip:1000@127.0.0.1',
        seconds: 3,
        toneHz: 1000,
      });
      const caller = await phone.done;
      expect(caller.output).toMatch(/established/i);
      expect(app.events.inviteProtocols).toEqual(['tls']);
      expect(app.events.connected).toBe(1);
      expect(app.events.ended).toBeGreaterThanOrEqual(1);
      expect(app.events.errors).toEqual([]);
      // The callee answered a call that reached its TLS listener as sips: (the only way in for it).
      const answered = await callee.done;
      expect(answered.output).toMatch(/answering call on line \d+ from sips:/);
      expect(answered.output).toMatch(/Call established: sips:/);
    } finally {
      app?.stop();
    }
  });
});
