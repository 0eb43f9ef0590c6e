/**
 * The GPU self-check in headless chromium (SwiftShader): every op check on each GPU device
 * configuration against the wasm EP, with the largest difference and the GPU time per op.
 *   npm run bench:self-check
 */
import type { SelfCheckReport } from '../src/runtime/self-check/index.ts';
import { runPageBench } from './page-bench.ts';
import { printTable } from './table.ts';

interface SelfCheckResult {
  readonly report: SelfCheckReport;
  readonly flavor: string;
  readonly version: string;
  readonly adapter: string | null;
}

const { report, flavor, version, adapter } = await runPageBench<SelfCheckResult>('self-check.html', {});
console.log(`onnxruntime-web ${version} (${flavor} build), adapter ${adapter ?? 'none chosen'}, tolerance ${report.tolerance}; chosen: ${report.chosen ?? 'none'}`);
printTable(
  ['configuration', 'op', 'max |GPU − wasm|', 'passed', 'GPU ms'],
  report.configs.flatMap((config) =>
    config.results.map((r) => [
      config.id,
      r.label,
      r.maxAbsDiff === null ? `failed: ${r.error ?? ''}` : r.maxAbsDiff.toExponential(1),
      r.passed ? 'yes' : 'no',
      r.candidateMs === null ? '–' : r.candidateMs.toFixed(1),
    ]),
  ),
);
