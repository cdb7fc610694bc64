import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { createLogger } from '#lib/log/index.js';
import { RtpenginePool } from '#media/index.js';
import { audioSdp } from '#test/support/rtp-peer.js';

const log = createLogger({ service: 'pool-test', level: 'silent' });

describe('RtpenginePool with a live and a dead node', () => {
  const registry = new Registry();
  const clock = new SimulatedClock();
  const live = inject('rtpengineNg');
  const pool = new RtpenginePool({ targets: ['127.0.0.1:9', live], clock, log, registry, timeoutMs: 200 });
  afterAll(() => pool.close());

  it('takes the dead node out after a ping and places every new call on the live one', async () => {
    await pool.pingAll();
    expect(pool.healthyNodes).toBe(1);
    const sessions = Array.from({ length: 3 }, () => pool.openSession({ callId: `pool-${randomUUID()}`, log }));
    for (const s of sessions) expect(await s.offer(audioSdp(4_000, { protocol: 'RTP/AVP' }), 'a', 'rtp')).toContain('m=audio');
    const text = await registry.metrics();
    expect(text).toContain(`media_rtpengine_calls{node="${live}"} 3`);
    expect(text).toContain('media_rtpengine_up{node="127.0.0.1:9"} 0');
    for (const s of sessions) await s.delete();
    expect(await registry.metrics()).toContain(`media_rtpengine_calls{node="${live}"} 0`);
  });

  it('takes a node out when an offer times out on it', async () => {
    const deadOnly = new RtpenginePool({ targets: ['127.0.0.1:9'], clock, log, timeoutMs: 100 });
    try {
      const s = deadOnly.openSession({ callId: `dead-${randomUUID()}`, log });
      await expect(s.offer(audioSdp(4_000, { protocol: 'RTP/AVP' }), 'a', 'rtp')).rejects.toMatchObject({ code: 'NG_TIMEOUT' });
      expect(deadOnly.healthyNodes).toBe(0);
    } finally {
      deadOnly.close();
    }
  });
});
