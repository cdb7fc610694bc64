// Technical logs and SIP traces are kept 30 days (issue 9, docs/privacy.md). They live as files under
// the services' LOG_DIR, one per service and UTC day (lib/log/daily-log-file.ts; SIP traces are the
// sip-server's and switch's debug lines, full SIP text), plus whatever else is rotated daily into that
// folder. A file goes when its last write is 30 days old, so no line younger than the rule is ever
// deleted; a run removes at most `limit` files and the next run takes the rest.
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const TECHNICAL_LOG_RETENTION_MS = 30 * 86_400_000;

export type TechnicalLogPurge = { filesDeleted: number; bytesDeleted: number };

/** Deletes the regular files under `dir` last written at or before `nowMs - 30 days`; symbolic links are never followed. */
export async function deleteExpiredTechnicalLogs(dir: string, nowMs: number, limit = 10_000): Promise<TechnicalLogPurge> {
  const cutoffMs = nowMs - TECHNICAL_LOG_RETENTION_MS;
  const out: TechnicalLogPurge = { filesDeleted: 0, bytesDeleted: 0 };
  const pending = [dir];
  while (pending.length > 0 && out.filesDeleted < limit) {
    const current = pending.pop() ?? dir;
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // nothing logged there yet
      throw new Error(`cannot list technical log folder ${current}`, { cause: err });
    }
    for (const e of entries) {
      const path = join(current, e.name);
      if (e.isDirectory()) pending.push(path);
      if (!e.isFile()) continue;
      const st = await lstat(path);
      if (st.mtimeMs > cutoffMs) continue;
      await rm(path, { force: true });
      out.filesDeleted++;
      out.bytesDeleted += st.size;
      if (out.filesDeleted >= limit) break;
    }
  }
  return out;
}
