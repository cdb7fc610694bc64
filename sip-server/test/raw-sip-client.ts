// Raw SIP over UDP/TCP from a chosen loopback source address, for hardening and fuzz tests
// (sipp cannot send malformed or flooding traffic from a given 127.0.0.x address).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';

/** A minimal request whose Via points back at `via` (host:port). */
export function rawRequest(method: string, opts: { via: string; transport?: 'UDP' | 'TCP'; branch: string; callId?: string; toTag?: string; extra?: string[] }): Buffer {
  const lines = [
    `${method} sip:hardening@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/${opts.transport ?? 'UDP'} ${opts.via};branch=z9hG4bK${opts.branch};rport`,
    'Max-Forwards: 70',
    'From: <sip:probe@127.0.0.1>;tag=hx1',
    `To: <sip:hardening@127.0.0.1>${opts.toTag === undefined ? '' : `;tag=${opts.toTag}`}`,
    `Call-ID: ${opts.callId ?? opts.branch}`,
    `CSeq: 1 ${method}`,
    ...(opts.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** A UDP socket bound to `address` that records every datagram it gets. */
export class UdpProbe {
  readonly received: string[] = [];
  readonly #sock: UdpSocket;
  #port = 0;

  private constructor(sock: UdpSocket) {
    this.#sock = sock;
    sock.on('message', (m) => this.received.push(m.toString('latin1')));
  }

  static async bind(address: string): Promise<UdpProbe> {
    const sock = createSocket('udp4');
    const probe = new UdpProbe(sock);
    await new Promise<void>((r) => sock.bind(0, address, () => r()));
    probe.#port = sock.address().port;
    return probe;
  }

  get via(): string {
    return `${this.#sock.address().address}:${this.#port}`;
  }

  send(data: Buffer, port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.#sock.send(data, port, host, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.#sock.close();
  }
}

/** A TCP connection from `localAddress` that records what it reads and when it closed. */
export type TcpProbe = { socket: Socket; received: () => string; closed: Promise<void>; isClosed: () => boolean };

export function tcpProbe(port: number, localAddress = '127.0.0.1'): Promise<TcpProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let data = '';
    let closed = false;
    const closedP = new Promise<void>((r) =>
      socket.once('close', () => {
        closed = true;
        r();
      }),
    );
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', () => undefined); // resets are expected when the server cuts us off; `closed` reports them
    socket.once('connect', () => resolve({ socket, received: () => data, closed: closedP, isClosed: () => closed }));
    socket.once('error', reject);
  });
}

/** Polls `cond` every 20 ms until it holds or `timeoutMs` passes; returns its last value. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!(await cond()) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

/** Reads one sample of a Prometheus text exposition (`name{labels}` exactly as printed), or undefined. */
export async function scrape(httpPort: number, sample: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}
