// The carrier gateways to try for an E.164 destination, cheapest first (routing/least-cost-routing.ts),
// shared by calls and SMS.
import type { IdSource } from '#lib/ids/index.js';
import type { DirectoryReader } from '../directory/cached-directory.js';
import type { GatewayFacts } from '../directory/directory.js';
import { orderGateways } from '../routing/index.js';

/** Gateways for `destination` in the order to try them; empty when no route has a costed gateway. */
export async function gatewaysInCostOrder(env: { directory: DirectoryReader; ids: IdSource }, destination: string, atMs: number): Promise<GatewayFacts[]> {
  const routes = await env.directory.routesFor(destination);
  const costs = await env.directory.carrierCosts(destination, routes.map((r) => r.gateway), atMs);
  const ordered = orderGateways(
    destination,
    routes.map((r) => ({
      gatewayId: r.gateway.gatewayId,
      carrierId: r.gateway.carrierId,
      routePrefix: r.prefix,
      priority: r.priority,
      weight: r.weight,
      costMicrosPerMin: costs.get(r.gateway.gatewayId),
      enabled: r.enabled,
    })),
    () => parseInt(env.ids.hex(4), 16) / 2 ** 32,
  );
  const byId = new Map(routes.map((r) => [r.gateway.gatewayId, r.gateway]));
  return ordered.map((c) => byId.get(c.gatewayId)).filter((g): g is GatewayFacts => g !== undefined);
}

/** The Request-URI that reaches `destination` (E.164) through gateway `gw`, with its tech prefix. */
export function gatewayUri(gw: GatewayFacts, destination: string): string {
  return `sip:${gw.techPrefix}${destination.replace(/^\+/, '')}@${gw.address}:${gw.port};transport=${gw.transport}`;
}
