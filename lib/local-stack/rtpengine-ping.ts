import { Client } from 'rtpengine-client';

/** Sends an ng `ping` and resolves true on `pong`. The client always has a timeout (MEDIA-FACTS §2). */
export async function pingRtpengine(host: string, ngPort: number, timeoutMs = 1_000): Promise<boolean> {
  const client = new Client({ localAddress: '127.0.0.1', timeout: timeoutMs });
  try {
    const res = await client.ping(ngPort, host);
    return res.result === 'pong';
  } finally {
    client.close();
  }
}
