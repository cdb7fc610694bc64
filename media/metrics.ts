// Every metric of the media area (mirrored in docs/metrics.md), created once per registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type MediaMetrics = ReturnType<typeof createMediaMetrics>;

export function createMediaMetrics(registry: Registry) {
  const registers = [registry];
  return {
    ngDuration: new Histogram({
      name: 'media_ng_request_duration_seconds',
      help: 'Round trip of ng requests to rtpengine, by command and node',
      labelNames: ['command', 'node'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.5],
      registers,
    }),
    ngErrors: new Counter({ name: 'media_ng_errors_total', help: 'ng requests that failed, by command, node and error code', labelNames: ['command', 'node', 'code'], registers }),
    rtpengineCalls: new Gauge({ name: 'media_rtpengine_calls', help: 'Calls anchored on each rtpengine node', labelNames: ['node'], registers }),
    rtpengineUp: new Gauge({ name: 'media_rtpengine_up', help: '1 when the rtpengine node answers pings', labelNames: ['node'], registers }),
  };
}
