/** The first row of a query that must return one (INSERT … RETURNING, a row just locked); a missing row is a broken invariant. */
export function one<T>(result: { rows: T[] }): T {
  const row = result.rows[0];
  if (row === undefined) throw new Error('query returned no row where one was guaranteed');
  return row;
}
