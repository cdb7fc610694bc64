import type { RequestHandler } from 'express';
import type { Clock } from '#lib/clock/index.js';
import type { ApiMetrics } from '../metrics.js';

/** Observes api_http_request_duration_seconds with the matched route template (never the raw path). */
export function httpMetrics(metrics: ApiMetrics, clock: Clock): RequestHandler {
  return (req, res, next) => {
    const started = clock.monotonic();
    res.on('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      metrics.httpRequestDuration.observe(
        { method: req.method, route: typeof route === 'string' ? route : 'unmatched', status_class: `${Math.floor(res.statusCode / 100)}xx` },
        (clock.monotonic() - started) / 1000,
      );
    });
    next();
  };
}
