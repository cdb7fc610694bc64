// A small S3-compatible object server on a real loopback port, for tests of the S3 recording store
// (the production object store is outside our control). Path-style `/<bucket>/<key>`: PUT, GET with
// one byte range (206, or 416 outside), HEAD, DELETE. It refuses (403) a request that is not signed
// with AWS Signature Version 4 for its access key, or whose body does not match its signed SHA-256.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeS3 = { url: string; bucket: string; accessKeyId: string; secretAccessKey: string; objects: Map<string, Buffer>; requests: string[]; close(): Promise<void> };

export async function startFakeS3(bucket = 'recordings'): Promise<FakeS3> {
  const accessKeyId = 'AKIAFAKETEST00000000';
  const secretAccessKey = 'fake-secret-key-for-tests-0123456789';
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void body(req).then((data) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, b, ...rest] = url.pathname.split('/');
      const key = rest.map(decodeURIComponent).join('/');
      requests.push(`${req.method ?? ''} ${key}`);
      const auth = req.headers.authorization ?? '';
      const signedHash = req.headers['x-amz-content-sha256'];
      if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`) || !/\/s3\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(auth)) {
        res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
        return;
      }
      if (signedHash !== 'UNSIGNED-PAYLOAD' && signedHash !== createHash('sha256').update(data).digest('hex')) {
        res.writeHead(403).end('<Error><Code>XAmzContentSHA256Mismatch</Code></Error>');
        return;
      }
      if (b !== bucket || key === '') {
        res.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>');
        return;
      }
      const object = objects.get(key);
      switch (req.method) {
        case 'PUT':
          objects.set(key, data);
          res.writeHead(200, { etag: `"${createHash('md5').update(data).digest('hex')}"` }).end();
          return;
        case 'HEAD':
          if (!object) res.writeHead(404).end();
          else res.writeHead(200, { 'content-length': object.length }).end();
          return;
        case 'GET': {
          if (!object) {
            res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
            return;
          }
          const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
          if (!m) {
            res.writeHead(200, { 'content-length': object.length }).end(object);
            return;
          }
          const start = Number(m[1]);
          const end = Math.min(Number(m[2]), object.length - 1);
          if (start >= object.length) {
            res.writeHead(416, { 'content-range': `bytes */${object.length}` }).end();
            return;
          }
          res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${object.length}` }).end(object.subarray(start, end + 1));
          return;
        }
        case 'DELETE':
          objects.delete(key);
          res.writeHead(204).end();
          return;
        case undefined:
        default:
          res.writeHead(405).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${bucket}`,
    bucket,
    accessKeyId,
    secretAccessKey,
    objects,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
