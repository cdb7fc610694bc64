// RFC 3261 §7.3 header fields: names case-insensitive, compact forms (§7.3.3), comma lists (§7.3.1).
import { isListHeader, normalizeHeaderName, resolveHeaderName } from './header-names.js';
import { splitTopLevel } from './syntax.js';
import type { WireImage } from './wire-image.js';

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
  /**
   * Where each line stands in `#source` (the decoded header section it was parsed from):
   * start and end offsets at [2i], [2i+1], or -1/-1 for lines added or changed since. Serialization writes
   * unchanged lines as received, in runs, instead of rebuilding them.
   */
  #spans: number[] = [];
  #source = '';
  /** Parsed views: parallel arrays (a handful of entries, cheaper than a Map per message). */
  #cacheKeys: string[] = [];
  #cacheValues: unknown[] = [];
  /** The received bytes, while no line has changed since parsing (see WireImage). */
  #image: WireImage | undefined;

  /** Appends a line with an already resolved name (`key` lower-case, `wire` as written). Internal fast path for the parser. */
  pushRaw(key: string, wire: string, value: string, start = -1, end = -1): void {
    this.#image = undefined;
    this.#keys.push(key);
    this.#names.push(wire);
    this.#values.push(value);
    this.#spans.push(start, end);
  }

  /** Sets the text the parser's line offsets (pushRaw start/end) refer to. Internal to the parser. */
  setSource(source: string): void {
    this.#source = source;
  }

  /** Keeps the bytes the message was parsed from, for serialization while nothing changes. Internal to the parser. */
  setImage(image: WireImage): void {
    this.#image = image;
  }

  /** The bytes the message was parsed from, or undefined once any header line was added, changed or removed. */
  get image(): WireImage | undefined {
    return this.#image;
  }

  /**
   * Appends every line of `key` (lower-case full name) from `other`, sharing its parsed view
   * when it has one (views are read-only by convention; changing a header drops its view).
   */
  copyFrom(other: SipHeaders, key: string): void {
    const keys = other.#keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) this.pushRaw(key, other.#names[i] as string, other.#values[i] as string);
    }
    const c = other.#cacheKeys.indexOf(key);
    if (c !== -1) this.setCached(key, other.#cacheValues[c]);
  }

  /** Stores the parsed view of header `key`, as the parser does after validating it. */
  setCached(key: string, value: unknown): void {
    const i = this.#cacheKeys.indexOf(key);
    if (i === -1) {
      this.#cacheKeys.push(key);
      this.#cacheValues.push(value);
    } else {
      this.#cacheValues[i] = value;
    }
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
    this.#spans.splice(2 * i, 0, -1, -1);
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
    this.#spans[2 * i] = -1;
    this.#spans[2 * i + 1] = -1;
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
      this.#spans[2 * i] = -1;
      this.#spans[2 * i + 1] = -1;
      return parts[0];
    }
    this.#spliceOut(i);
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
    h.#spans = this.#spans.slice();
    h.#source = this.#source;
    return h;
  }

  /**
   * Appends the header section to `out`. Lines unchanged since parsing are written as received
   * (consecutive ones as one slice of the source); others as `Name: value`. When `contentLength`
   * is given, Content-Length states that value (one line only), appended when missing.
   */
  serializeInto(out: string, contentLength?: number): string {
    const keys = this.#keys;
    const src = this.#source;
    let wroteLength = false;
    let runStart = -1;
    let runEnd = -1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const start = this.#spans[2 * i] as number;
      if (contentLength !== undefined && key === 'content-length') {
        if (wroteLength) continue; // a second Content-Length line is dropped
        wroteLength = true;
        if (start === -1 || (this.#values[i] as string) !== String(contentLength)) {
          if (runStart !== -1) {
            out += `${src.slice(runStart, runEnd)}\r\n`;
            runStart = -1;
          }
          out += `Content-Length: ${contentLength}\r\n`;
          continue;
        }
      }
      if (start !== -1) {
        // Unchanged line: extend the current run when it follows directly (CRLF between).
        if (runStart !== -1 && runEnd + 2 === start) {
          runEnd = this.#spans[2 * i + 1] as number;
          continue;
        }
        if (runStart !== -1) out += `${src.slice(runStart, runEnd)}\r\n`;
        runStart = start;
        runEnd = this.#spans[2 * i + 1] as number;
        continue;
      }
      if (runStart !== -1) {
        out += `${src.slice(runStart, runEnd)}\r\n`;
        runStart = -1;
      }
      out += `${this.#names[i] as string}: ${this.#values[i] as string}\r\n`;
    }
    if (runStart !== -1) out += `${src.slice(runStart, runEnd)}\r\n`;
    if (contentLength !== undefined && !wroteLength) out += `Content-Length: ${contentLength}\r\n`;
    return out;
  }

  /** Cached parsed view of header `key` (lower-case), computed by `parse` on first use. */
  cached<T>(key: string, parse: () => T): T {
    const i = this.#cacheKeys.indexOf(key);
    if (i !== -1) return this.#cacheValues[i] as T;
    const v = parse();
    this.setCached(key, v);
    return v;
  }

  #invalidate(key: string): void {
    this.#image = undefined;
    const i = this.#cacheKeys.indexOf(key);
    if (i !== -1) {
      this.#cacheKeys.splice(i, 1);
      this.#cacheValues.splice(i, 1);
    }
  }

  #spliceOut(i: number): void {
    this.#keys.splice(i, 1);
    this.#names.splice(i, 1);
    this.#values.splice(i, 1);
    this.#spans.splice(2 * i, 2);
  }

  #removeFrom(key: string, from: number): number {
    let n = 0;
    for (let i = this.#keys.length - 1; i >= from; i--) {
      if (this.#keys[i] === key) {
        this.#spliceOut(i);
        n++;
      }
    }
    return n;
  }
}
