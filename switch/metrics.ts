// Every metric the switch exports (mirrored in docs/metrics.md). ASR per gateway =
// answers / attempts; ACD = answered seconds / answers.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type SwitchMetrics = ReturnType<typeof createSwitchMetrics>;

export function createSwitchMetrics(registry: Registry) {
  const registers = [registry];
  return {
    callsActive: new Gauge({ name: 'switch_calls_active', help: 'Calls answered and not yet ended', labelNames: ['direction'], registers }),
    calls: new Counter({ name: 'switch_calls_total', help: 'Call attempts by direction and disposition', labelNames: ['direction', 'disposition'], registers }),
    finalResponses: new Counter({ name: 'switch_sip_final_responses_total', help: 'Final responses sent to callers, by status code', labelNames: ['code'], registers }),
    postDialDelay: new Histogram({
      name: 'switch_post_dial_delay_seconds',
      help: 'INVITE received to first ringing or answer',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13],
      registers,
    }),
    gatewayAttempts: new Counter({ name: 'switch_gateway_attempts_total', help: 'Outbound attempts per carrier gateway', labelNames: ['gateway'], registers }),
    gatewayAnswers: new Counter({ name: 'switch_gateway_answers_total', help: 'Answered outbound attempts per carrier gateway', labelNames: ['gateway'], registers }),
    gatewaySeconds: new Counter({ name: 'switch_gateway_answered_seconds_total', help: 'Seconds of answered calls per carrier gateway', labelNames: ['gateway'], registers }),
    cutoffs: new Counter({ name: 'switch_cutoffs_total', help: 'Calls the switch ended on its own, by reason', labelNames: ['reason'], registers }),
    transfers: new Counter({ name: 'switch_transfers_total', help: 'REFER blind transfers by outcome', labelNames: ['outcome'], registers }),
  };
}
