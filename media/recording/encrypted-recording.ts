// Recordings encrypted at rest with AES-256-GCM in independent chunks, so that a byte range (an HTTP
// Range request from a browser seeking in the audio) decrypts only the chunks it touches.
//
// Layout: header (32 bytes: magic "SSREC001", chunk size u32, plaintext length u64, file nonce 12)
// then per chunk: ciphertext ‖ 16-byte tag. Chunk i's IV is the file nonce with i added into its
// last 8 bytes; its additional data is the header and i and whether it is the last chunk, so chunks
// cannot be reordered, moved between files, or the file truncated unnoticed.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { BlobStorage } from './blob-storage.js';

const MAGIC = Buffer.from('SSREC001');
const HEADER_BYTES = 32;
const TAG_BYTES = 16;
const DEFAULT_CHUNK = 64 * 1024;

export class EncryptedRecordingStore {
  readonly #storage: BlobStorage;
  readonly #key: Buffer;
  readonly #chunk: number;

  /** `key`: 32 bytes (AES-256). */
  constructor(storage: BlobStorage, key: Buffer, chunkBytes = DEFAULT_CHUNK) {
    if (key.length !== 32) throw new Error('a recording key is 32 bytes');
    this.#storage = storage;
    this.#key = key;
    this.#chunk = chunkBytes;
  }

  async put(key: string, plain: Buffer): Promise<void> {
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32BE(this.#chunk, 8);
    header.writeBigUInt64BE(BigInt(plain.length), 12);
    randomBytes(12).copy(header, 20);
    const count = Math.max(1, Math.ceil(plain.length / this.#chunk));
    const parts: Buffer[] = [header];
    for (let i = 0; i < count; i++) {
      const cipher = createCipheriv('aes-256-gcm', this.#key, chunkIv(header, i));
      cipher.setAAD(chunkAad(header, i, i === count - 1));
      parts.push(cipher.update(plain.subarray(i * this.#chunk, (i + 1) * this.#chunk)), cipher.final(), cipher.getAuthTag());
    }
    await this.#storage.put(key, Buffer.concat(parts));
  }

  /** Plaintext length, or undefined when there is no such recording. */
  async length(key: string): Promise<number | undefined> {
    if ((await this.#storage.size(key)) === undefined) return undefined;
    return this.#header(await this.#storage.read(key, 0, HEADER_BYTES)).length;
  }

  /** Plaintext bytes [start, end) (end clamped to the length). Throws if any touched chunk fails authentication. */
  async read(key: string, start: number, end: number): Promise<Buffer> {
    const headerBytes = await this.#storage.read(key, 0, HEADER_BYTES);
    const { chunk, length } = this.#header(headerBytes);
    const stop = Math.min(end, length);
    if (start >= stop) return Buffer.alloc(0);
    const count = Math.max(1, Math.ceil(length / chunk));
    const first = Math.floor(start / chunk);
    const last = Math.floor((stop - 1) / chunk);
    const out: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const plainLen = Math.min(chunk, length - i * chunk);
      const offset = HEADER_BYTES + i * (chunk + TAG_BYTES);
      const sealed = await this.#storage.read(key, offset, offset + plainLen + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.#key, chunkIv(headerBytes, i));
      decipher.setAAD(chunkAad(headerBytes, i, i === count - 1));
      decipher.setAuthTag(sealed.subarray(plainLen));
      out.push(Buffer.concat([decipher.update(sealed.subarray(0, plainLen)), decipher.final()]));
    }
    const joined = Buffer.concat(out);
    const skip = start - first * chunk;
    return joined.subarray(skip, skip + (stop - start));
  }

  delete(key: string): Promise<void> {
    return this.#storage.delete(key);
  }

  #header(h: Buffer): { chunk: number; length: number } {
    if (h.length < HEADER_BYTES || !h.subarray(0, 8).equals(MAGIC)) throw new Error('not an encrypted recording');
    return { chunk: h.readUInt32BE(8), length: Number(h.readBigUInt64BE(12)) };
  }
}

function chunkIv(header: Buffer, index: number): Buffer {
  const iv = Buffer.from(header.subarray(20, 32));
  iv.writeBigUInt64BE((iv.readBigUInt64BE(4) + BigInt(index)) & 0xffffffffffffffffn, 4);
  return iv;
}

function chunkAad(header: Buffer, index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(HEADER_BYTES + 9);
  header.copy(aad, 0, 0, HEADER_BYTES);
  aad.writeBigUInt64BE(BigInt(index), HEADER_BYTES);
  aad[HEADER_BYTES + 8] = last ? 1 : 0;
  return aad;
}
