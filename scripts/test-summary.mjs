// Prints the closing line of a test run ("N passed, N failed, N skipped") from
// Vitest's JSON report, and lists every skipped suite by name so that a run
// without PostgreSQL or Redis says what it did not cover.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`no test report at ${file}: ${err.message}`);
  process.exit(1);
}
const skipped = new Set();
for (const f of report.testResults ?? []) {
  for (const t of f.assertionResults ?? []) {
    if (t.status === 'skipped' || t.status === 'pending' || t.status === 'todo') {
      skipped.add((t.ancestorTitles ?? []).join(' › ') || t.title);
    }
  }
}
if (skipped.size > 0) {
  console.log('\nskipped suites:');
  for (const s of [...skipped].sort()) console.log(`  - ${s}`);
}
const failed = report.numFailedTests ?? 0;
const passed = report.numPassedTests ?? 0;
const skippedN = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skippedN} skipped`);
if (report.numFailedTestSuites > 0 && failed === 0) {
  console.log(`(${report.numFailedTestSuites} test files failed to run)`);
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
