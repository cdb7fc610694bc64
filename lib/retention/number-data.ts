import type { PoolClient } from '../db/index.js';

export type RemovedNumberData = { routingCleared: boolean; diagnosticFlagsRemoved: number };

/**
 * A number that leaves its workspace (the subscription expired, or the client released it) leaves
 * nothing of the workspace behind (issue 9's "expired number subscription" rule, docs/privacy.md):
 * its routing target (ringing SIP users, SIP URI, forward number), its recording opt-in and every
 * diagnostic-recording flag on the number go in the same transaction that ends the subscription.
 * Running it twice changes nothing more.
 */
export async function removeNumberData(client: PoolClient, subscriptionId: string, numberId: string): Promise<RemovedNumberData> {
  const routing = await client.query(
    `UPDATE number_subscriptions
        SET routing_kind = NULL, routing_sip_user_ids = NULL, routing_sip_uri = NULL, routing_forward_e164 = NULL, recording_enabled = false
      WHERE id = $1 AND (routing_kind IS NOT NULL OR recording_enabled)`,
    [subscriptionId],
  );
  const flags = await client.query('DELETE FROM diagnostic_recording_flags WHERE number_id = $1', [numberId]);
  return { routingCleared: (routing.rowCount ?? 0) > 0, diagnosticFlagsRemoved: flags.rowCount ?? 0 };
}
