// Least-cost routing: among the gateways that serve the longest matching route prefix, order by
// the carrier's cost for the destination, then by priority (lower first), then by weight
// (weighted random among equals, so equal routes share the load in proportion to their weights).

export type RouteCandidate = {
  gatewayId: string;
  carrierId: string;
  /** The route prefix this gateway is attached to (digits of E.164 without `+`). */
  routePrefix: string;
  priority: number;
  weight: number;
  /** The carrier's cost for this destination, micro-units per minute; undefined when its deck has no rate. */
  costMicrosPerMin: number | undefined;
  enabled: boolean;
};

/**
 * Orders the candidates to try for `destination` (E.164). Only routes with the longest prefix that
 * matches are used; disabled gateways and gateways whose carrier has no rate for the destination
 * are left out (no rate means we cannot know the cost, so we do not send traffic there).
 * `random` returns a number in [0, 1) (injected, so tests are repeatable).
 */
export function orderGateways(destination: string, candidates: readonly RouteCandidate[], random: () => number): RouteCandidate[] {
  const digits = destination.startsWith('+') ? destination.slice(1) : destination;
  const matching = candidates.filter((c) => c.enabled && digits.startsWith(c.routePrefix) && c.costMicrosPerMin !== undefined);
  if (matching.length === 0) return [];
  const longest = Math.max(...matching.map((c) => c.routePrefix.length));
  const pool = matching.filter((c) => c.routePrefix.length === longest);
  // Group by (cost, priority); within a group draw by weight.
  const groups = new Map<string, RouteCandidate[]>();
  for (const c of pool) {
    const key = `${String(c.costMicrosPerMin).padStart(15, '0')}:${String(c.priority).padStart(6, '0')}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const ordered: RouteCandidate[] = [];
  for (const key of [...groups.keys()].sort()) ordered.push(...weightedShuffle(groups.get(key) ?? [], random));
  return ordered;
}

/** Weighted random order without replacement; weight 0 goes last. */
function weightedShuffle(items: readonly RouteCandidate[], random: () => number): RouteCandidate[] {
  const left = [...items];
  const out: RouteCandidate[] = [];
  while (left.length > 0) {
    const total = left.reduce((s, c) => s + Math.max(0, c.weight), 0);
    let index = 0;
    if (total > 0) {
      let r = random() * total;
      index = left.findIndex((c) => (r -= Math.max(0, c.weight)) < 0);
      if (index < 0) index = left.length - 1;
    }
    out.push(...left.splice(index, 1));
  }
  return out;
}
