import { Counter, Histogram, type Registry } from 'prom-client';

/** Every metric of the control-api (prefix `api_`), mirrored in docs/control-api.md. */
export function createApiMetrics(registry: Registry) {
  return {
    httpRequestDuration: new Histogram({
      name: 'api_http_request_duration_seconds',
      help: 'Duration of control API requests by route template.',
      labelNames: ['method', 'route', 'status_class'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [registry],
    }),
    changeEventsPublished: new Counter({
      name: 'api_change_events_published_total',
      help: 'Change notifications published on Redis, by entity and result (ok or error).',
      labelNames: ['entity', 'result'] as const,
      registers: [registry],
    }),
    rateImportRows: new Counter({
      name: 'api_rate_import_rows_total',
      help: 'Rate deck rows read by imports, by result (accepted or rejected).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;
