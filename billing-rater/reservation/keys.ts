/** Redis key layout of the rater. `{tenant}` is a hash tag so a tenant's keys share a slot. */
export const raterKeys = {
  balance: (tenantId: string) => `rater:bal:{${tenantId}}`,
  reservation: (tenantId: string, callId: string) => `rater:resv:{${tenantId}}:${callId}`,
  live: () => 'rater:live',
  active: (tenantId: string) => `rater:active:{${tenantId}}`,
  cdrStream: () => 'rater:cdr',
  cdrDeadLetter: () => 'rater:cdr:dead',
  liveMember: (tenantId: string, callId: string) => `${tenantId}|${callId}`,
} as const;

/** Splits a member of the live set back into tenant and call id. */
export function parseLiveMember(member: string): { tenantId: string; callId: string } | undefined {
  const at = member.indexOf('|');
  if (at <= 0) return undefined;
  return { tenantId: member.slice(0, at), callId: member.slice(at + 1) };
}
