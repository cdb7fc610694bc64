export { createRegistry, METRIC_NAME, FORBIDDEN_LABELS } from './registry.js';
