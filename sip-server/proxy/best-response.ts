// RFC 3261 §16.7 step 6: choosing the best final response once every branch has finished without
// a 2xx. Pure functions over the statuses collected in the response context.

/** Statuses that let the caller resubmit (credentials, media type, extensions, address): §16.7 step 6. */
const RESUBMIT_HINTS: ReadonlySet<number> = new Set([401, 407, 415, 420, 484]);

/** Sort key: lower is better. 6xx first, then the lowest class; within 4xx the resubmission hints. */
function rank(status: number): number {
  if (status >= 600) return 0;
  const cls = Math.floor(status / 100);
  const hint = cls === 4 && RESUBMIT_HINTS.has(status) ? 0 : 1;
  return cls * 10 + hint;
}

/**
 * Index of the best final response among `statuses` (all ≥ 300), or undefined when there is none
 * (the proxy then answers 408, §16.7 step 6). Ties go to the response received first.
 */
export function selectBestResponse(statuses: readonly number[]): number | undefined {
  let best: number | undefined;
  statuses.forEach((s, i) => {
    if (best === undefined || rank(s) < rank(statuses[best] as number)) best = i;
  });
  return best;
}

/** §16.7 step 6: a selected 503 is not forwarded as is; the proxy sends 500 instead. */
export function upstreamStatus(selected: number): number {
  return selected === 503 ? 500 : selected;
}
