import { createSocket } from 'node:dgram';

/**
 * A block of `count` consecutive free UDP ports on `address`, below Linux's ephemeral range
 * (32768+) so that ports other processes get from bind(0) cannot land inside it later; for sipp,
 * which binds its media port and the next ones (RTCP, video).
 */
export async function freeUdpBlock(address: string, count = 4): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 2_400) * 4;
    let free = true;
    for (let p = base; p < base + count && free; p++) free = await udpFree(address, p);
    if (free) return base;
  }
  throw new Error(`no block of ${count} free UDP ports on ${address}`);
}

function udpFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, address, () => sock.close(() => resolve(true)));
  });
}
