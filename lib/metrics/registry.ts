import { Registry, collectDefaultMetrics } from 'prom-client';

/** One prom-client registry per process, with the default process metrics under `prefix`. Never the global registry. */
export function createRegistry(prefix: string, labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, prefix: `${prefix}_` });
  return registry;
}

/** snake_case `<prefix>_<thing>[_unit]`; counters end in `_total`. Checked by tests of every service's metrics. */
export const METRIC_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** Labels that may never be used: unbounded values. */
export const FORBIDDEN_LABELS = new Set(['call_id', 'callid', 'number', 'user', 'ip', 'url', 'path', 'tenant']);
