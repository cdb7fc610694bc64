// A seeded mutator of SIP messages for the fuzz test: truncation, byte flips, insertions, deletions,
// duplicated ranges, hostile header values (huge/negative numbers, endless lists), spliced messages
// and plain garbage. The same seed gives the same messages (xorshift32; no Math.random).

/** Deterministic PRNG (xorshift32). */
export class Prng {
  #s: number;

  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    let x = this.#s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#s = x >>> 0;
    return this.#s % Math.max(1, n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

const HOSTILE_VALUES = [
  '', ' ', '-1', '0', '4294967296', '99999999999999999999', '1e9', '0x10', '%00', '\u0000', ';;;;', ',,,,', '<<<<', '>>>>',
  '"unterminated', 'sip:', 'sip:@', 'sip:[::1', '<sip:a@b>;tag=', 'SIP/2.0/UDP', 'SIP/2.0/UDP 127.0.0.1:99999;branch=',
  'INVITE', '1 INVITE', '2147483648 INVITE', 'a'.repeat(3000), '\r\n\r\n', '\r\n ', 'ÿþ', '🙂'.repeat(50),
];
const HEADER_NAMES = ['Via', 'v', 'Content-Length', 'l', 'CSeq', 'Call-ID', 'i', 'From', 'f', 'To', 't', 'Max-Forwards', 'Contact', 'm', 'Expires', 'Route', 'Record-Route', 'Content-Type', 'c', 'X-Fuzz'];

type Mutation = (m: Buffer, rnd: Prng, seeds: readonly Buffer[]) => Buffer;

const MUTATIONS: readonly Mutation[] = [
  // truncate
  (m, r) => m.subarray(0, r.int(m.length + 1)),
  // flip bytes
  (m, r) => {
    const out = Buffer.from(m);
    for (let i = 1 + r.int(8); i > 0 && out.length > 0; i--) out[r.int(out.length)] = r.int(256);
    return out;
  },
  // insert random bytes
  (m, r) => {
    const at = r.int(m.length + 1);
    const junk = Buffer.alloc(1 + r.int(32));
    for (let i = 0; i < junk.length; i++) junk[i] = r.int(256);
    return Buffer.concat([m.subarray(0, at), junk, m.subarray(at)]);
  },
  // delete a range
  (m, r) => {
    const a = r.int(m.length + 1);
    const b = a + r.int(Math.max(1, m.length - a));
    return Buffer.concat([m.subarray(0, a), m.subarray(b)]);
  },
  // duplicate a range (repeated headers, doubled bodies)
  (m, r) => {
    const a = r.int(m.length + 1);
    const piece = m.subarray(a, a + 1 + r.int(200));
    const times = 1 + r.int(r.int(10) === 0 ? 400 : 5);
    return Buffer.concat([m.subarray(0, a), ...Array.from({ length: times }, () => piece), m.subarray(a)]);
  },
  // replace a header's value with a hostile one
  (m, r) => {
    const name = r.pick(HEADER_NAMES);
    const text = m.toString('latin1');
    const re = new RegExp(`^(${name}[ \\t]*:)[^\\r\\n]*`, 'im');
    const value = r.pick(HOSTILE_VALUES);
    return Buffer.from(re.test(text) ? text.replace(re, `$1 ${value}`) : text.replace('\r\n', `\r\n${name}: ${value}\r\n`), 'latin1');
  },
  // splice two messages
  (m, r, seeds) => {
    const other = r.pick(seeds);
    return Buffer.concat([m.subarray(0, r.int(m.length + 1)), other.subarray(r.int(other.length + 1))]);
  },
  // CR/LF/NUL storms
  (m, r) => {
    const at = r.int(m.length + 1);
    const bits = Array.from({ length: 1 + r.int(20) }, () => r.pick(['\r', '\n', '\r\n', '\0', ' ', '\t']));
    return Buffer.concat([m.subarray(0, at), Buffer.from(bits.join(''), 'latin1'), m.subarray(at)]);
  },
];

/** One fuzz case: a seed message with 1–4 mutations, or (1 in 50) plain garbage. */
export function mutate(seeds: readonly Buffer[], rnd: Prng): Buffer {
  if (rnd.int(50) === 0) {
    const junk = Buffer.alloc(rnd.int(1500));
    for (let i = 0; i < junk.length; i++) junk[i] = rnd.int(256);
    return junk;
  }
  let m = rnd.pick(seeds);
  for (let i = 1 + rnd.int(4); i > 0; i--) m = rnd.pick(MUTATIONS)(m, rnd, seeds);
  return m;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH_LINE = /\r\n(?:content-length|l)[ \t]*:[^\r\n]*/gi;

/**
 * For stream transports: rewrites the Content-Length of a mutated message to its real body length,
 * so the stream framer cuts it where it ends and the next case starts a new message (without this
 * most cases after a bad Content-Length would only ever be read as some other message's body).
 */
export function reframe(m: Buffer): Buffer {
  const end = m.indexOf(CRLFCRLF);
  if (end === -1) return m;
  const head = m.toString('latin1', 0, end).replace(CONTENT_LENGTH_LINE, '');
  const body = m.subarray(end + 4);
  return Buffer.concat([Buffer.from(`${head}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}
