// Caps on inbound stream connections (TCP, TLS, WS, WSS): in total and per source address.

/** Why a connection was refused. */
export type ConnectionRefusal = 'per-source' | 'total';

/**
 * Open inbound connections by source address. The map holds only sources with at least one open
 * connection, so it is bounded by the total cap.
 */
export class ConnectionCounter {
  readonly #maxTotal: number;
  readonly #maxPerSource: number;
  readonly #bySource = new Map<string, number>();
  #total = 0;

  /** 0 disables a cap. */
  constructor(maxTotal: number, maxPerSource: number) {
    this.#maxTotal = maxTotal;
    this.#maxPerSource = maxPerSource;
  }

  /** Takes a slot for a new connection from `address`, or says which cap refuses it. `exempt` skips the per-source cap. */
  open(address: string, exempt: boolean): ConnectionRefusal | undefined {
    if (this.#maxTotal > 0 && this.#total >= this.#maxTotal) return 'total';
    const n = this.#bySource.get(address) ?? 0;
    if (!exempt && this.#maxPerSource > 0 && n >= this.#maxPerSource) return 'per-source';
    this.#bySource.set(address, n + 1);
    this.#total++;
    return undefined;
  }

  /** Releases the slot of a connection from `address` that `open` accepted. */
  close(address: string): void {
    const n = this.#bySource.get(address);
    if (n === undefined) return;
    if (n <= 1) this.#bySource.delete(address);
    else this.#bySource.set(address, n - 1);
    this.#total--;
  }

  /** Open inbound connections. */
  get total(): number {
    return this.#total;
  }

  /** Sources with at least one open connection. */
  get sources(): number {
    return this.#bySource.size;
  }
}
