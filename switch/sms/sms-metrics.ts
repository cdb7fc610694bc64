// SMS counters (mirrored in docs/metrics.md).
import { Counter, type Registry } from 'prom-client';

export type SmsMetrics = ReturnType<typeof createSmsMetrics>;

export function createSmsMetrics(registry: Registry) {
  const registers = [registry];
  return {
    messages: new Counter({ name: 'switch_sms_total', help: 'SIP MESSAGEs handled as SMS, by direction and status', labelNames: ['direction', 'status'], registers }),
    gatewayAttempts: new Counter({ name: 'switch_sms_gateway_attempts_total', help: 'SMS sent to a carrier gateway, by gateway and outcome', labelNames: ['gateway', 'outcome'], registers }),
  };
}
