/** Redis keys of SMS holds. `{tenant}` is the same hash tag as the balance mirror's (one slot per tenant). */
export const smsKeys = {
  hold: (tenantId: string, messageId: string) => `rater:smsh:{${tenantId}}:${messageId}`,
  live: () => 'rater:sms:live',
  liveMember: (tenantId: string, messageId: string) => `${tenantId}|${messageId}`,
} as const;

/** Ledger idempotency key of one message's charge (one per tenant and message id). */
export function smsChargeKey(tenantId: string, messageId: string): string {
  return `sms:${tenantId}:${messageId}:debit`;
}
