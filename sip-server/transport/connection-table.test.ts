import { describe, expect, it } from 'vitest';
import type { Connection } from './connection.js';
import { ConnectionTable, remoteKey } from './connection-table.js';

function conn(id: string, remoteAddress: string, remotePort: number): Connection & { sent: Buffer[] } {
  const sent: Buffer[] = [];
  return {
    id,
    kind: 'tls',
    framing: 'stream',
    remoteAddress,
    remotePort,
    localAddress: '127.0.0.1',
    localPort: 5061,
    closed: false,
    sent,
    write: (d: Buffer) => {
      sent.push(d);
      return Promise.resolve();
    },
    close: () => undefined,
  };
}

describe('ConnectionTable (RFC 3261 §18.1.1 connection reuse)', () => {
  it('finds a connection by the address it was dialled for and by the address seen', async () => {
    const t = new ConnectionTable<Connection>();
    const c = conn('tls-1', '127.0.0.1', 40000);
    t.add(c, remoteKey('[::ffff:127.0.0.1]', 5061));
    let dials = 0;
    const dial = (): Promise<Connection> => {
      dials++;
      return Promise.resolve(conn('tls-x', '127.0.0.1', 1));
    };
    expect(await t.connectionTo('127.0.0.1', 40000, dial)).toBe(c);
    expect(await t.connectionTo('[::FFFF:127.0.0.1]', 5061, dial)).toBe(c);
    expect(dials).toBe(0);
    expect(t.infos()).toEqual([{ connectionId: 'tls-1', protocol: 'tls', remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 5061 }]);
  });

  it('shares one dial between concurrent senders and forgets removed connections', async () => {
    const t = new ConnectionTable<Connection>();
    let dials = 0;
    let release: (c: Connection) => void = () => undefined;
    const dial = (key: string): Promise<Connection> => {
      dials++;
      return new Promise((resolve) => {
        release = (c) => {
          t.add(c, key);
          resolve(c);
        };
      });
    };
    const a = t.connectionTo('10.0.0.1', 5061, dial);
    const b = t.connectionTo('10.0.0.1', 5061, dial);
    const c = conn('tls-2', '10.0.0.1', 5061);
    release(c);
    expect(await a).toBe(c);
    expect(await b).toBe(c);
    expect(dials).toBe(1);
    t.remove(c);
    expect(t.has('tls-2')).toBe(false);
    await expect(t.send('tls-2', Buffer.from('x'))).rejects.toMatchObject({ code: 'SIP_TRANSPORT_NO_CONNECTION' });
  });

  it('keeps the key of a newer connection to the same address when the older one goes', async () => {
    const t = new ConnectionTable<Connection>();
    const old = conn('ws-1', '127.0.0.1', 50000);
    const newer = conn('ws-2', '127.0.0.1', 50000);
    t.add(old);
    t.add(newer);
    t.remove(old);
    expect(await t.connectionTo('127.0.0.1', 50000, () => Promise.reject(new Error('no dial expected')))).toBe(newer);
    expect(t.size).toBe(1);
  });
});
