// How a refusal from the rater reaches the caller: SIP status, reason phrase and a Reason header
// with the matching Q.850 cause (RFC 3326; causes per ITU-T Q.850 and RFC 3398 §7.2.4).
import type { DenyReason } from '#lib/rater-api/index.js';

export type DenyResponse = { status: number; reason: string; q850: number };

export const DENY_RESPONSES: Record<DenyReason, DenyResponse> = {
  no_balance: { status: 402, reason: 'Payment Required', q850: 21 },
  blocked_destination: { status: 403, reason: 'Destination Blocked', q850: 21 },
  suspended_tenant: { status: 403, reason: 'Account Suspended', q850: 21 },
  limit_reached: { status: 503, reason: 'Limit Reached', q850: 34 },
  no_rate: { status: 404, reason: 'No Rate For Destination', q850: 3 },
  unknown_tenant: { status: 403, reason: 'Forbidden', q850: 21 },
};

export function reasonHeader(q850: number, text: string): Record<string, string> {
  return { Reason: `Q.850;cause=${q850};text="${text}"` };
}
