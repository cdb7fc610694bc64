// The switch's per-turn batching of drachtio wire writes: it must find the socket inside the
// installed drachtio-srf, and frames written in one turn must leave together.
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { batchDrachtioWrites } from '#switch/srf/wire-batching.js';
import { startTestSipServer, type TestSipServer } from '#sip-server/test/sip-server-harness.js';
import { connectSrf, newSrf } from '#test/support/srf-apps/srf-view.js';

describe('batchDrachtioWrites', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reaches the server socket of a connected drachtio-srf (the installed version), once', async () => {
    const server: TestSipServer = await startTestSipServer();
    cleanups.push(() => server.stop());
    const srf = newSrf();
    cleanups.push(() => srf.disconnect());
    await connectSrf(srf, server.admin);
    expect(batchDrachtioWrites(srf)).toBe(1);
    expect(batchDrachtioWrites(srf)).toBe(0);
    expect(batchDrachtioWrites({})).toBe(0);
  });

  it('sends the frames of one event-loop turn in one write, and later frames after it', async () => {
    const chunks: string[] = [];
    const listener: Server = createServer((s) => s.on('data', (d: Buffer) => chunks.push(d.toString())));
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    cleanups.push(() => void listener.close());
    const address = listener.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const socket: Socket = connect(address.port, '127.0.0.1');
    await once(socket, 'connect');
    cleanups.push(() => void socket.destroy());

    expect(batchDrachtioWrites({ _app: { client: { mapServer: new Map([[socket, {}]]) } } })).toBe(1);
    socket.write('a|1');
    socket.write('b|2');
    socket.write('c|3');
    // Held back (corked) until the turn ends, so the three leave in one syscall.
    expect(socket.writableCorked).toBe(1);
    expect(socket.writableLength).toBe(9);
    await until(() => chunks.join('') === 'a|1b|2c|3');
    expect(chunks).toEqual(['a|1b|2c|3']);
    expect(socket.writableCorked).toBe(0);

    socket.write('d|4');
    await until(() => chunks.join('').endsWith('d|4'));
    expect(chunks).toEqual(['a|1b|2c|3', 'd|4']);
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
}
