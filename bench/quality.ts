/**
 * Quality per byte: for each precision preset, the relative RMS error (rms(ours − official) /
 * rms(official)) of one DiT step, the text encoder, the VAE decoder and a whole 8-step sampling
 * run against the official outputs on the tiny-a golden checkpoint (onnxruntime-node, CPU), next
 * to the bytes of the full-size bundle (Wan2.2 TI2V-5B, UMT5-XXL, the Wan2.2 VAE), computed from
 * the real tensor shapes. Writes the table into README.md between its quality-table markers.
 * Tiny random weights exaggerate quantization error (rows of 64 values are 2 int4 blocks).
 * With --families, also today's int4 with each tensor family at int8 and at fp16 (a second table).
 *   npm run bench:quality [-- --families]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCheckpoint } from '../src/convert/convert-checkpoint.ts';
import { resolveQuantConfig } from '../src/bundle/quant-config.ts';
import type { QuantConfig } from '../src/bundle/quant-config.ts';
import { dirBundleSink } from '../src/node/dir-bundle-sink.ts';
import { openDirBundle } from '../src/node/dir-bundle.ts';
import { nodeCheckpointFiles } from '../src/node/file-source.ts';
import { DIT_STEP_CASE, QUALITY_CASES, SAMPLE_RUN_CASE, TEXT_ENCODER_CASE, goldenError } from '../src/node/quality/golden-error.ts';
import { TENSOR_FAMILIES } from '../src/bundle/tensor-families.ts';
import { estimateBundleBytesOf } from '../src/convert/bundle-size-estimate.ts';
import type { SourceTensorShapes } from '../src/convert/bundle-size-estimate.ts';
import { WAN22_TI2V_5B_CONFIGS, ditTensorSpecs, umt5TensorSpecs, vaeTensorSpecs } from '../src/convert/random-checkpoint/index.ts';
import type { RandomTensorSpec } from '../src/convert/random-checkpoint/index.ts';
import { formatBytes } from '../src/format-bytes.ts';

const TINY = join(import.meta.dirname, '../test/fixtures/tiny-a');
const README = join(import.meta.dirname, '../README.md');
const TABLES = {
  presets: ['<!-- bench:quality table start -->', '<!-- bench:quality table end -->'],
  families: ['<!-- bench:quality families start -->', '<!-- bench:quality families end -->'],
} as const;

interface Preset {
  readonly name: string;
  readonly quant: QuantConfig;
}

const PRESETS: readonly Preset[] = [
  { name: 'fp32', quant: resolveQuantConfig({ weights: 'fp32', activations: 'fp32' }) },
  { name: 'fp16', quant: resolveQuantConfig({ weights: 'fp16', activations: 'fp16' }) },
  { name: 'int8', quant: resolveQuantConfig({ weights: 'int8', activations: 'fp16' }) },
  { name: 'int4', quant: resolveQuantConfig({ weights: 'int4', activations: 'fp16' }) },
  { name: '**int4-mix** (default)', quant: resolveQuantConfig({ weights: 'int4-mix', activations: 'fp16' }) },
  { name: 'int4-mix, block 16', quant: resolveQuantConfig({ weights: 'int4-mix', activations: 'fp16', blockSize: 16 }) },
];

/** The full-size model's tensors, as the Hub stores them: float32 DiT and VAE, a bf16 text encoder. */
function fullSizeTensors(): SourceTensorShapes {
  const withBytes = (specs: readonly RandomTensorSpec[], bytesPerValue: number) =>
    specs.map((s) => ({ name: s.name, shape: s.shape, byteLength: s.shape.reduce((a, b) => a * b, 1) * bytesPerValue }));
  return {
    transformer: withBytes(ditTensorSpecs(WAN22_TI2V_5B_CONFIGS.transformer), 4),
    textEncoder: withBytes(umt5TensorSpecs(WAN22_TI2V_5B_CONFIGS.textEncoder), 2),
    vae: withBytes(vaeTensorSpecs(WAN22_TI2V_5B_CONFIGS.vae), 4),
  };
}

async function measure(preset: Preset, work: string, cases = QUALITY_CASES): Promise<number[]> {
  const dir = join(work, preset.name.replace(/[^a-z0-9-]+/g, '-'));
  const files = nodeCheckpointFiles(TINY);
  await convertCheckpoint(files, await dirBundleSink(dir), { quant: preset.quant, source: { repo: 'tiny-a', revision: 'golden' } }).finally(() => files.close());
  const bundle = await openDirBundle(dir);
  const errors: number[] = [];
  for (const c of cases) errors.push(await goldenError(bundle, TINY, c));
  await rm(dir, { recursive: true, force: true });
  return errors;
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

async function writeIntoReadme(markers: readonly [string, string], table: string): Promise<void> {
  const readme = await readFile(README, 'utf8');
  const start = readme.indexOf(markers[0]);
  const end = readme.indexOf(markers[1]);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${markers.join(' … ')}`);
  await writeFile(README, `${readme.slice(0, start + markers[0].length)}\n${table}\n${readme.slice(end)}`);
}

const percent = (bytes: number, reference: number) => `${bytes >= reference ? '+' : ''}${((bytes / reference - 1) * 100).toFixed(1)} %`;

/** Today's int4 with one family at a higher format: what that family's int4 rounding costs, and what keeping it costs in bytes. */
async function familySweep(work: string, fullSize: SourceTensorShapes, int4Bytes: number): Promise<string> {
  const cases = [DIT_STEP_CASE, TEXT_ENCODER_CASE, SAMPLE_RUN_CASE];
  const rows: string[][] = [];
  for (const family of TENSOR_FAMILIES) {
    for (const format of ['int8', 'fp16'] as const) {
      const quant = resolveQuantConfig({ weights: 'int4', activations: 'fp16', families: { [family]: format } });
      const errors = await measure({ name: `${family}-${format}`, quant }, work, cases);
      rows.push([`${family} ${format}`, ...errors.map((e) => e.toExponential(2)), percent(estimateBundleBytesOf(fullSize, quant), int4Bytes)]);
      console.error(rows.at(-1)!.join(' · '));
    }
  }
  return markdownTable(['int4, except', ...cases.map((c) => c.label), 'full-size bytes vs int4'], rows);
}

const fullSize = fullSizeTensors();
const int4Bytes = estimateBundleBytesOf(fullSize, PRESETS.find((p) => p.name === 'int4')!.quant);
const work = await mkdtemp(join(tmpdir(), 'wan-quality-'));
const rows: string[][] = [];
try {
  for (const preset of PRESETS) {
    const started = performance.now();
    const errors = await measure(preset, work);
    const bytes = estimateBundleBytesOf(fullSize, preset.quant);
    const row = [
      preset.name,
      preset.quant.activations,
      ...errors.map((e) => e.toExponential(2)),
      formatBytes(bytes),
      percent(bytes, int4Bytes),
    ];
    rows.push(row);
    console.error(`${row.join(' · ')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
const table = markdownTable(['preset', 'activations', ...QUALITY_CASES.map((c) => c.label), 'full-size bundle', 'vs int4'], rows);
console.log(table);
await writeIntoReadme(TABLES.presets, table);
if (process.argv.includes('--families')) {
  const work = await mkdtemp(join(tmpdir(), 'wan-quality-'));
  try {
    const families = await familySweep(work, fullSize, int4Bytes);
    console.log(families);
    await writeIntoReadme(TABLES.families, families);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
