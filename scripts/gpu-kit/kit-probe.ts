/**
 * The kit's own check of onnxruntime-node's WebGPU EP, for kits built before bench/gpu.ts
 * exists: the GPU self-check's op graphs on the WebGPU EP against the CPU EP, as a Markdown
 * table (op, largest difference, passed, ms). Exits 1 when the EP cannot run at all.
 *   node kit-probe.mjs --out table.md
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { SELF_CHECK_TOLERANCE, buildOpChecks, compareWithReference, runReference, sessionRunner } from '../../src/runtime/self-check/index.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const checks = buildOpChecks();
const reference = await runReference(checks, sessionRunner(ort, { executionProviders: ['cpu'] }));
const results = await compareWithReference(checks, reference, sessionRunner(ort, { executionProviders: ['webgpu'], extra: { session: { disable_cpu_ep_fallback: '1' } } }));
const lines = [
  `onnxruntime-node ${ort.env.versions.common} WebGPU EP against its CPU EP (tolerance ${SELF_CHECK_TOLERANCE}):`,
  '',
  '| op | max abs diff | passed | WebGPU ms |',
  '|---|---|---|---|',
  ...results.map((r) => `| ${r.label} | ${r.maxAbsDiff === null ? `failed: ${r.error ?? ''}` : r.maxAbsDiff.toExponential(1)} | ${r.passed ? 'yes' : 'no'} | ${r.candidateMs === null ? '–' : r.candidateMs.toFixed(1)} |`),
];
console.log(lines.join('\n'));
if (values.out) await writeFile(values.out, `${lines.join('\n')}\n`);
process.exitCode = results.every((r) => r.maxAbsDiff === null) ? 1 : 0;
