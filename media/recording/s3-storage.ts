// The production recording store: an S3-compatible object store (AWS S3, MinIO, Ceph, R2 …) reached
// over HTTPS with AWS Signature Version 4 (aws4fetch signs each request). Objects are addressed
// path-style under the configured base URL (`https://host/bucket`); only the four operations of
// BlobStorage are used: PUT, ranged GET (RFC 9110 §14.2), HEAD for the size, DELETE. The objects
// are the already encrypted recordings (encrypted-recording.ts), so the store never sees audio.
import { AwsClient } from 'aws4fetch';
import { assertStorageKey, type BlobStorage } from './blob-storage.js';

export type S3StorageOptions = {
  /** Bucket URL, path-style: `https://s3.eu-west-1.amazonaws.com/my-bucket`, `http://minio:9000/recordings`. */
  url: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
};

export class S3BlobStorage implements BlobStorage {
  readonly #base: string;
  readonly #client: AwsClient;

  constructor(options: S3StorageOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    // Few retries: a caller (the switch after a call, a retention run) tries again later anyway.
    this.#client = new AwsClient({ accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, service: 's3', region: options.region, retries: 2 });
  }

  async put(key: string, data: Buffer): Promise<void> {
    const res = await this.#request('PUT', key, { body: data, headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) } });
    await this.#expect(res, 'PUT', key, [200]);
  }

  async read(key: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const res = await this.#request('GET', key, { headers: { range: `bytes=${start}-${end - 1}` } });
    await this.#expect(res, 'GET', key, [200, 206]);
    const body = Buffer.from(await res.arrayBuffer());
    // A server that ignored the range sends the whole object: cut it here.
    return res.status === 200 ? body.subarray(start, end) : body;
  }

  async size(key: string): Promise<number | undefined> {
    const res = await this.#request('HEAD', key);
    if (res.status === 404) return undefined;
    await this.#expect(res, 'HEAD', key, [200]);
    const length = Number(res.headers.get('content-length'));
    if (!Number.isSafeInteger(length) || length < 0) throw new Error(`S3 HEAD ${key} gave no content-length`);
    return length;
  }

  async delete(key: string): Promise<void> {
    const res = await this.#request('DELETE', key);
    // Deleting what is not there is done (S3 answers 204 either way; some servers 404).
    await this.#expect(res, 'DELETE', key, [200, 204, 404]);
  }

  #request(method: string, key: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    assertStorageKey(key);
    const url = `${this.#base}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return this.#client.fetch(url, { method, ...(init.headers ? { headers: init.headers } : {}), ...(init.body ? { body: new Uint8Array(init.body) } : {}) });
  }

  async #expect(res: Response, method: string, key: string, ok: number[]): Promise<void> {
    if (ok.includes(res.status)) return;
    const detail = (await res.text().catch(() => '')).slice(0, 300);
    throw new Error(`S3 ${method} ${key} failed: ${res.status} ${detail}`);
  }
}
