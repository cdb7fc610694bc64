// Prints vitest's JSON results as the plain line CI reads: `N passed, N failed[, N skipped]`.
// A test file that failed to load, an unhandled error, a failed type check and a failed lint each
// count as one failure. Exits 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const [file, checksFailed] = process.argv.slice(2);
let passed = 0;
let failed = Number(checksFailed ?? 0);
let skipped = 0;
if (file && existsSync(file)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  failed += (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (r.success === false && failed === 0) failed = 1;
} else {
  failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
