// RFC 3261 §20.10 (name-addr / addr-spec and header parameters), §19.3 (tags).
import { isWs, parseParams, scanQuoted, skipWs } from './syntax.js';

/** Keeps the last `tag` parameter (a later one replaces an earlier, as in Params). */
class TagParam {
  #value: string | null | undefined;
  set(name: string, value: string | null): void {
    if (name === 'tag') this.#value = value;
  }
  get value(): string | undefined {
    return typeof this.#value === 'string' ? this.#value : undefined;
  }
}

/**
 * The tag parameter of a From or To value, read without parsing the URI or building the header
 * (transaction and dialog matching ask for tags on every message; the parser has already checked
 * the value). Undefined when there is no tag, it has no value, or the parameters do not parse.
 */
export function tagParam(value: string): string | undefined {
  let i = skipWs(value, 0);
  // A quoted display name may hold '<', '>' and ';': step over it first.
  if (value.charCodeAt(i) === 34) {
    i = scanQuoted(value, i);
    if (i === -1) return undefined;
  }
  let paramsAt: number;
  const lt = value.indexOf('<', i);
  if (lt !== -1) {
    // name-addr: a URI in angle brackets never holds '>'.
    const gt = value.indexOf('>', lt);
    if (gt === -1) return undefined;
    paramsAt = gt + 1;
  } else {
    // addr-spec: the header parameters start at the first ';' (or whitespace).
    paramsAt = i;
    while (paramsAt < value.length) {
      const c = value.charCodeAt(paramsAt);
      if (c === 59 || isWs(c)) break;
      paramsAt++;
    }
  }
  const tag = new TagParam();
  return parseParams(value, paramsAt, tag) === -1 ? undefined : tag.value;
}
