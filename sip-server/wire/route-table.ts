// Which app connections receive new requests of a SIP method or a CDR stream
// (/work/shared/drachtio-protocol.md §3.3, §5.9): per-verb round robin, deduplicated.

/** Anything that can be routed to; the wire connection in production. */
export interface Routable {
  readonly id: string;
  readonly open: boolean;
}

/** Per-verb sets of connections with a rotating offset. Verbs are lower-case. */
export class RouteTable<C extends Routable> {
  readonly #byVerb = new Map<string, C[]>();
  readonly #offset = new Map<string, number>();

  /** Adds `conn` for `verb`; a repeated `route` for the same pair changes nothing. */
  add(verb: string, conn: C): void {
    const key = verb.toLowerCase();
    const list = this.#byVerb.get(key) ?? [];
    if (!list.includes(conn)) list.push(conn);
    this.#byVerb.set(key, list);
  }

  /** Removes only the named verb (the C++ server removes all; see OPEN-10). */
  remove(verb: string, conn: C): void {
    const key = verb.toLowerCase();
    const list = this.#byVerb.get(key);
    if (!list) return;
    const i = list.indexOf(conn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#byVerb.delete(key);
  }

  /** Removes `conn` from every verb (connection closed). */
  removeConnection(conn: C): void {
    for (const verb of [...this.#byVerb.keys()]) this.remove(verb, conn);
  }

  /** Next open connection for `verb`, round robin; undefined when none. */
  pick(verb: string): C | undefined {
    const key = verb.toLowerCase();
    const list = this.#byVerb.get(key);
    if (!list || list.length === 0) return undefined;
    const start = this.#offset.get(key) ?? 0;
    for (let n = 0; n < list.length; n++) {
      const i = (start + n) % list.length;
      const conn = list[i] as C;
      if (conn.open) {
        this.#offset.set(key, (i + 1) % list.length);
        return conn;
      }
    }
    return undefined;
  }

  /** Verbs `conn` is routed for (for diagnostics and tests). */
  verbsOf(conn: C): string[] {
    return [...this.#byVerb.entries()].filter(([, l]) => l.includes(conn)).map(([v]) => v);
  }
}
