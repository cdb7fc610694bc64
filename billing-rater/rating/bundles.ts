/** A minute bundle as rating sees it. */
export type MinuteBundle = {
  readonly id: string;
  /** Seconds still available. */
  readonly remainingSec: number;
  /** Epoch ms at which the bundle stops being usable (exclusive). */
  readonly expiresAtMs: number;
  /** Destination prefixes the bundle covers; empty = every destination. */
  readonly prefixes: readonly string[];
};

/** Bundles usable for `destination` at `atMs`: covering, unexpired, non-empty, oldest-expiring first (ties by id). */
export function usableBundles(bundles: readonly MinuteBundle[], destination: string, atMs: number): MinuteBundle[] {
  return bundles
    .filter((b) => b.remainingSec > 0 && b.expiresAtMs > atMs && (b.prefixes.length === 0 || b.prefixes.some((p) => destination.startsWith(p))))
    .sort((a, b) => a.expiresAtMs - b.expiresAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Takes `sec` seconds from `bundles` in order; returns what each gives and what is left for money. */
export function allocateBundleSec(bundles: readonly Pick<MinuteBundle, 'id' | 'remainingSec'>[], sec: number): {
  use: { bundleId: string; sec: number }[];
  uncoveredSec: number;
} {
  const use: { bundleId: string; sec: number }[] = [];
  let left = sec;
  for (const b of bundles) {
    if (left <= 0) break;
    const take = Math.min(left, b.remainingSec);
    if (take > 0) {
      use.push({ bundleId: b.id, sec: take });
      left -= take;
    }
  }
  return { use, uncoveredSec: left };
}
