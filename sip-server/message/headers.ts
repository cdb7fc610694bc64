// RFC 3261 §7.3 header fields: names case-insensitive, compact forms (§7.3.3), comma lists (§7.3.1).
import { isListHeader, normalizeHeaderName, resolveHeaderName } from './header-names.js';
import { splitTopLevel } from './syntax.js';

/**
 * The header fields of one message, in order. Names are kept lower-case and
 * expanded from compact forms internally; values are the unfolded text of each
 * header line. Parsed views (Via list, CSeq, ...) are cached per header name and
 * dropped when that header is changed.
 */
export class SipHeaders {
  /** Lower-case full names, one per header line. */
  #keys: string[] = [];
  /** Spelling written on the wire: canonical for known headers, else the name as received or added. */
  #names: string[] = [];
  #values: string[] = [];
  #cache: Map<string, unknown> | undefined;

  /** Appends a line with an already resolved name (`key` lower-case, `wire` as written). Internal fast path for the parser. */
  pushRaw(key: string, wire: string, value: string): void {
    this.#keys.push(key);
    this.#names.push(wire);
    this.#values.push(value);
  }

  /** Stores the parsed view of header `key`, as the parser does after validating it. */
  setCached(key: string, value: unknown): void {
    (this.#cache ??= new Map()).set(key, value);
  }

  /** Number of header lines. */
  get size(): number {
    return this.#keys.length;
  }

  /** True when at least one line named `name` exists (compact forms accepted). */
  has(name: string): boolean {
    return this.#keys.indexOf(normalizeHeaderName(name)) !== -1;
  }

  /** Value of the first line named `name`, or undefined. */
  get(name: string): string | undefined {
    const i = this.#keys.indexOf(normalizeHeaderName(name));
    return i === -1 ? undefined : this.#values[i];
  }

  /** Number of lines named `name` (not split on commas). */
  count(name: string): number {
    const key = normalizeHeaderName(name);
    let n = 0;
    for (const k of this.#keys) if (k === key) n++;
    return n;
  }

  /** The raw lines named `name`, in order (not split on commas). */
  getLines(name: string): string[] {
    const key = normalizeHeaderName(name);
    const out: string[] = [];
    for (let i = 0; i < this.#keys.length; i++) if (this.#keys[i] === key) out.push(this.#values[i] as string);
    return out;
  }

  /**
   * All values of `name`. For list headers (Via, Route, Contact, Allow, ...) each
   * line is split on commas outside quotes and angle brackets (RFC 3261 §7.3.1).
   */
  getAll(name: string): string[] {
    const key = normalizeHeaderName(name);
    const lines = this.getLines(key);
    if (!isListHeader(key)) return lines;
    const out: string[] = [];
    for (const line of lines) {
      const parts = splitTopLevel(line);
      if (parts === undefined) out.push(line);
      else for (const p of parts) if (p.length > 0) out.push(p);
    }
    return out;
  }

  /** Appends a header line at the end (or at the top, for Via/Route/Record-Route use `prepend`). */
  add(name: string, value: string): void {
    const { key, wire } = resolveHeaderName(name);
    this.#invalidate(key);
    this.pushRaw(key, wire, value);
  }

  /** Inserts a header line before the first line of the same name, or at the end when none exists. */
  prepend(name: string, value: string): void {
    const { key, wire } = resolveHeaderName(name);
    this.#invalidate(key);
    const i = this.#keys.indexOf(key);
    if (i === -1) {
      this.pushRaw(key, wire, value);
      return;
    }
    this.#keys.splice(i, 0, key);
    this.#names.splice(i, 0, wire);
    this.#values.splice(i, 0, value);
  }

  /** Replaces every line named `name` by one line with `value` (kept at the first line's position). */
  set(name: string, value: string): void {
    const { key, wire } = resolveHeaderName(name);
    this.#invalidate(key);
    const i = this.#keys.indexOf(key);
    if (i === -1) {
      this.pushRaw(key, wire, value);
      return;
    }
    this.#values[i] = value;
    this.#removeFrom(key, i + 1);
  }

  /** Removes every line named `name`; returns how many were removed. */
  remove(name: string): number {
    const key = normalizeHeaderName(name);
    this.#invalidate(key);
    return this.#removeFrom(key, 0);
  }

  /**
   * Removes the first value of a list header (e.g. the top Via, RFC 3261 §18.1.2,
   * or the top Route, §16.4). When the first line holds several comma-separated
   * values only the first value is removed. Returns the removed value.
   */
  removeFirst(name: string): string | undefined {
    const key = normalizeHeaderName(name);
    const i = this.#keys.indexOf(key);
    if (i === -1) return undefined;
    this.#invalidate(key);
    const line = this.#values[i] as string;
    const parts = isListHeader(key) ? splitTopLevel(line) : undefined;
    if (parts !== undefined && parts.length > 1) {
      this.#values[i] = parts.slice(1).join(', ');
      return parts[0];
    }
    this.#keys.splice(i, 1);
    this.#names.splice(i, 1);
    this.#values.splice(i, 1);
    return line;
  }

  /** Iterates `[lowerCaseName, value]` per header line, in order. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.#keys.length; i++) yield [this.#keys[i] as string, this.#values[i] as string];
  }

  /** Distinct lower-case names in order of first appearance. */
  names(): string[] {
    return [...new Set(this.#keys)];
  }

  /** A deep copy (parsed-view cache not copied). */
  clone(): SipHeaders {
    const h = new SipHeaders();
    h.#keys = this.#keys.slice();
    h.#names = this.#names.slice();
    h.#values = this.#values.slice();
    return h;
  }

  /**
   * Appends the header section (`Name: value\r\n` per line) to `out`. When
   * `contentLength` is given, Content-Length lines carry that value (one line
   * only), and one is appended when the message has none.
   */
  serializeInto(out: string, contentLength?: number): string {
    const keys = this.#keys;
    let wroteLength = false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (contentLength !== undefined && key === 'content-length') {
        if (!wroteLength) out += `Content-Length: ${contentLength}\r\n`;
        wroteLength = true;
        continue;
      }
      out += `${this.#names[i] as string}: ${this.#values[i] as string}\r\n`;
    }
    if (contentLength !== undefined && !wroteLength) out += `Content-Length: ${contentLength}\r\n`;
    return out;
  }

  /** Cached parsed view of header `key` (lower-case), computed by `parse` on first use. */
  cached<T>(key: string, parse: () => T): T {
    const c = (this.#cache ??= new Map());
    if (c.has(key)) return c.get(key) as T;
    const v = parse();
    c.set(key, v);
    return v;
  }

  #invalidate(key: string): void {
    this.#cache?.delete(key);
  }

  #removeFrom(key: string, from: number): number {
    let n = 0;
    for (let i = this.#keys.length - 1; i >= from; i--) {
      if (this.#keys[i] === key) {
        this.#keys.splice(i, 1);
        this.#names.splice(i, 1);
        this.#values.splice(i, 1);
        n++;
      }
    }
    return n;
  }
}
