// Where recordings live: a byte store with ranged reads. The local disk is the default; an
// S3-compatible object store is the production target and only needs these four operations
// (PUT, ranged GET, HEAD for the size, DELETE).
import { mkdir, open, readFile, rm, stat, writeFile, rename } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

export interface BlobStorage {
  put(key: string, data: Buffer): Promise<void>;
  /** Bytes [start, end) of the object. */
  read(key: string, start: number, end: number): Promise<Buffer>;
  size(key: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
}

/** Checks a storage key: a relative path of `[A-Za-z0-9._-]` segments, none of them `.` or `..`. */
export function assertStorageKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`bad storage key ${JSON.stringify(key)}`);
  }
}

/** Objects as files under `root`; keys are relative paths of `[A-Za-z0-9._-]` segments. */
export class LocalDiskStorage implements BlobStorage {
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // Write aside, then rename: a reader never sees half an object.
    const temp = `${path}.tmp`;
    await writeFile(temp, data, { mode: 0o600 });
    await rename(temp, path);
  }

  async read(key: string, start: number, end: number): Promise<Buffer> {
    const handle = await open(this.#path(key), 'r');
    try {
      const out = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await handle.read(out, 0, out.length, start);
      return out.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.#path(key))).size;
    } catch {
      return undefined; // no such object
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  /** Whole object (small ones, tests). */
  async readAll(key: string): Promise<Buffer> {
    return readFile(this.#path(key));
  }

  #path(key: string): string {
    assertStorageKey(key);
    const path = join(this.#root, ...key.split('/'));
    if (!path.startsWith(this.#root + sep)) throw new Error('storage key escapes the root');
    return path;
  }
}
