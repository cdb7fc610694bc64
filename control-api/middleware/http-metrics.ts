import type { RequestHandler } from 'express';
import type { Clock } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import type { ApiMetrics } from '../metrics.js';

/**
 * Observes api_http_request_duration_seconds with the matched route template (never the raw path) and
 * writes one summary line per request on the request's child logger (which carries `reqId`).
 */
export function httpMetrics(metrics: ApiMetrics, clock: Clock): RequestHandler {
  return (req, res, next) => {
    const started = clock.monotonic();
    res.on('finish', () => {
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? path : 'unmatched';
      const durationMs = clock.monotonic() - started;
      metrics.httpRequestDuration.observe({ method: req.method, route, status_class: `${Math.floor(res.statusCode / 100)}xx` }, durationMs / 1000);
      const log = res.locals['log'] as Logger | undefined;
      log?.info({ method: req.method, route, status: res.statusCode, durationMs: Math.round(durationMs) }, 'request handled');
    });
    next();
  };
}
