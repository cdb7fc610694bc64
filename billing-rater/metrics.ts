import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric of the billing rater (mirrored in docs/billing.md). */
export function createRaterMetrics(registry: Registry) {
  return {
    authorizations: new Counter({ name: 'rater_authorizations_total', help: 'Authorizations by result (allowed or the deny reason).', labelNames: ['result'], registers: [registry] }),
    reservations: new Counter({ name: 'rater_reservations_total', help: 'Reserve/extend attempts by result.', labelNames: ['result'], registers: [registry] }),
    cuts: new Counter({ name: 'rater_call_cuts_total', help: 'Calls told to end because the balance ran out.', registers: [registry] }),
    liveCalls: new Gauge({ name: 'rater_live_calls', help: 'Answered calls with a live reservation owned by this process.', registers: [registry] }),
    cdrsWritten: new Counter({ name: 'rater_cdrs_written_total', help: 'Call-end records committed to PostgreSQL (CDR + debit).', registers: [registry] }),
    cdrBatchSeconds: new Histogram({ name: 'rater_cdr_batch_duration_seconds', help: 'Time to commit one CDR batch.', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    reconciled: new Counter({ name: 'rater_reconciled_calls_total', help: 'Calls finished by the reconciler after their owner vanished.', registers: [registry] }),
    smsAuthorizations: new Counter({ name: 'rater_sms_authorizations_total', help: 'SMS authorizations (holds) by result (allowed or the deny reason).', labelNames: ['result'], registers: [registry] }),
    smsSettlements: new Counter({ name: 'rater_sms_settlements_total', help: 'SMS settles by resulting hold state (committed, released, expired, unknown).', labelNames: ['result'], registers: [registry] }),
    smsHoldsLapsed: new Counter({ name: 'rater_sms_holds_lapsed_total', help: 'SMS holds ended after their TTL, by result (expired: released unpaid; committed: the debit had reached the ledger).', labelNames: ['result'], registers: [registry] }),
    apiSeconds: new Histogram({ name: 'rater_api_request_duration_seconds', help: 'Rater API request duration.', labelNames: ['route'], buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25], registers: [registry] }),
  };
}
export type RaterMetrics = ReturnType<typeof createRaterMetrics>;
