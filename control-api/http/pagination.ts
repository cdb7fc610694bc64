import { z } from 'zod';
import { ApiError } from '../errors/index.js';

/** Query fields of every list endpoint: `limit` (1..200, default 50) and the opaque `cursor` of the previous page. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }) });

/** Cursor = base64url JSON array of the sort key of the last item returned (e.g. [created_at, id]). */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  if (!Array.isArray(raw) || raw.length !== arity || !raw.every((v) => typeof v === 'string')) {
    throw new ApiError('API_VALIDATION_FAILED', 'invalid cursor', { errors: [{ path: 'query.cursor', message: 'not a cursor returned by this endpoint' }] });
  }
  return raw;
}

/** Splits a `limit + 1` fetch into the page and the next cursor. */
export function paginate<R, T>(rows: R[], limit: number, key: (row: R) => string[], map: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}
