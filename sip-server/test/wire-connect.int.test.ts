// Contract test: the real drachtio-srf client against our admin listener (§3.2–§3.4).
import Srf from 'drachtio-srf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { AdminServer, type AppConnection, type WireUser } from '#sip-server/wire/index.js';

const SECRET = 'wire-test-secret-0123456789';
const HOSTPORTS = 'udp/127.0.0.1:5060,tcp/127.0.0.1:5060';

class NoSipUser implements WireUser {
  closed = 0;
  onAppSip(conn: AppConnection, m: { msgId: string }): void {
    conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NOK', reason: 'not in this test' });
  }
  onAppProxy(conn: AppConnection, m: { msgId: string }): void {
    conn.send({ kind: 'response-fail', inReplyTo: m.msgId, status: 'NOK', reason: 'not in this test' });
  }
  onConnectionClosed(): void {
    this.closed++;
  }
}

function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() - start > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

describe('drachtio-srf connecting to the admin listener', () => {
  let server: AdminServer;
  const user = new NoSipUser();

  beforeAll(async () => {
    server = await AdminServer.listen({
      host: '127.0.0.1',
      port: 0,
      identity: { secret: SECRET, version: 'v0.9.4', hostports: () => HOSTPORTS, localHostports: () => HOSTPORTS },
      user,
      ids: new CryptoIdSource(),
      log: createLogger({ service: 'test', level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('emits connect with our hostports and version, and registers routes', async () => {
    const srf = new Srf(['tag-a']);
    srf.invite((_req, res) => res.send(486));
    srf.use('options', (_req, res) => res.send(200));
    const connected = new Promise<unknown[]>((resolve, reject) => {
      srf.on('connect', (err: Error | null, ...rest: unknown[]) => (err ? reject(err) : resolve(rest)));
    });
    void srf.connect({ host: '127.0.0.1', port: server.port, secret: SECRET });
    try {
      const [hostports, version, local] = await connected;
      expect(hostports).toBe(HOSTPORTS);
      expect(version).toBe('v0.9.4');
      expect(local).toBe(HOSTPORTS);
      await waitFor(() => [...server.connections].some((c) => server.routes.verbsOf(c).length === 2));
      const conn = [...server.connections][0]!;
      expect(server.routes.verbsOf(conn).sort()).toEqual(['invite', 'options']);
      expect(conn.tags).toEqual(['tag-a']);
      expect(server.routes.pick('invite')).toBe(conn);
      expect(server.routes.pick('register')).toBeUndefined();
    } finally {
      srf.disconnect();
    }
    await waitFor(() => server.connections.size === 0);
    expect(server.routes.pick('invite')).toBeUndefined();
  });

  it('fails the connect with a wrong secret and closes the connection', async () => {
    const srf = new Srf();
    const before = user.closed;
    const result = new Promise<Error | null>((resolve) => srf.on('connect', (err: Error | null) => resolve(err)));
    srf.on('error', () => undefined); // srf reconnects after the close; errors are expected here
    // `reconnect` is a real srf option missing from its bundled typings.
    void srf.connect({ host: '127.0.0.1', port: server.port, secret: 'wrong-secret-0123456789', reconnect: { maxAttempts: 1 } } as Srf.SrfConfig);
    try {
      const err = await result;
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toMatch(/failed to authenticate/);
      await waitFor(() => user.closed > before);
    } finally {
      srf.disconnect();
    }
  });

  it('round-robins a verb across two apps', async () => {
    const apps = [new Srf(), new Srf()];
    try {
      await Promise.all(
        apps.map((srf) => {
          srf.invite((_req, res) => res.send(486));
          const p = new Promise<void>((resolve) => srf.on('connect', () => resolve()));
          void srf.connect({ host: '127.0.0.1', port: server.port, secret: SECRET });
          return p;
        }),
      );
      await waitFor(() => [...server.connections].filter((c) => server.routes.verbsOf(c).includes('invite')).length === 2);
      const first = server.routes.pick('invite');
      const second = server.routes.pick('invite');
      expect(first).toBeDefined();
      expect(second).not.toBe(first);
      expect(server.routes.pick('invite')).toBe(first);
    } finally {
      for (const srf of apps) srf.disconnect();
    }
  });
});
