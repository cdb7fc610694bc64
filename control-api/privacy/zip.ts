import { ZipFile } from 'yazl';

export type ArchiveFile = { name: string; content: string | Buffer };

/** Builds a zip archive (deflated entries, every mtime = `mtime`) in memory. */
export async function buildZip(files: readonly ArchiveFile[], mtime: Date): Promise<Buffer> {
  const zip = new ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  for (const f of files) zip.addBuffer(typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content, f.name, { mtime, compress: true });
  zip.end();
  return done;
}
