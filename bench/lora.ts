/**
 * LoRA merging: (1) the merged tiny-a bundle's DiT against the OFFICIAL Wan2.2 DiT run on the
 * float64 reference-merged weights (bench/lora/official_dit.py; needs python3 with torch and a
 * folder with Wan2.2's wan/modules/model.py and attention.py), and (2) how long the merge takes at
 * the real 5B shapes.
 *   npm run bench:lora -- [--wan-src DIR] [--python /usr/bin/python3] [--rank 32]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addLowRank } from '../src/convert/lora/lora-merged-source.ts';
import { onnxLowRankProduct } from '../src/node/lora-product.ts';
import { checkpointWeightSource } from '../src/convert/weights/weight-source.ts';
import { encodeSafetensors, openCheckpoint } from '../src/safetensors/index.ts';
import { nodeCheckpointFiles } from '../src/node/file-source.ts';
import { readCaseFile } from '../src/node/cli/tensor-files.ts';
import { runCli } from '../src/node/cli/run-cli.ts';
import { seededRandom, uniformArray } from '../src/seeded-random.ts';
import { TINY, goldenCasePath } from '../test/helpers/golden-cases.ts';
import { maxAbsDiff } from '../test/helpers/golden-compare.ts';
import { randomDiffusersLora, randomKohyaLora, referenceMerge } from '../test/helpers/random-lora.ts';

const { values } = parseArgs({
  options: { 'wan-src': { type: 'string' }, python: { type: 'string', default: '/usr/bin/python3' }, rank: { type: 'string', default: '32' } },
});
const LORAS = [
  { file: 'diffusers-lora.safetensors', lora: randomDiffusersLora(1), strength: 0.8 },
  { file: 'kohya-lora.safetensors', lora: randomKohyaLora(2), strength: 0.5 },
];

async function officialCheck(work: string, wanSrc: string): Promise<void> {
  for (const { file, lora } of LORAS) await writeFile(join(work, file), lora.bytes);
  const bundle = join(work, 'bundle');
  const loraArgs = LORAS.flatMap(({ file, strength }) => ['--lora', `${join(work, file)}:${strength}`]);
  if ((await runCli(['convert', TINY, bundle, '--weights', 'fp32', '--activations', 'fp32', ...loraArgs])) !== 0) throw new Error('convert failed');

  const checkpoint = await openCheckpoint(nodeCheckpointFiles(TINY), 'transformer');
  const base = checkpointWeightSource(checkpoint);
  const merged = [];
  for (const name of checkpoint.tensors.keys()) {
    const patches = LORAS.flatMap(({ lora, strength }) => lora.patches.filter((p) => p.target === name).map((patch) => ({ patch, strength })));
    merged.push({ name, dtype: 'F64' as const, shape: [...base.info(name).shape], data: referenceMerge(await base.read(name), patches) });
  }
  const weights = join(work, 'reference-merged.safetensors');
  await writeFile(weights, encodeSafetensors(merged));

  for (const name of ['dit_t2v', 'dit_i2v']) {
    const ours = join(work, `${name}-bundle.safetensors`);
    const official = join(work, `${name}-official.safetensors`);
    if ((await runCli(['debug', 'dit', '--bundle', bundle, '--in', goldenCasePath(name), '--out', ours])) !== 0) throw new Error('debug dit failed');
    const run = spawnSync(values.python, [join(import.meta.dirname, 'lora/official_dit.py'), wanSrc, weights, join(TINY, 'transformer/config.json'), goldenCasePath(name), official], {
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`official_dit.py failed:\n${run.stderr}`);
    const v = async (path: string) => (await (await readCaseFile(path)).float('v')).data;
    const [vOurs, vOfficial, vUnmerged] = [await v(ours), await v(official), await v(goldenCasePath(name))];
    console.log(
      `${name}: max |v(bundle --lora) − v(official DiT, reference-merged weights)| = ${maxAbsDiff(vOurs, vOfficial).toExponential(2)} ` +
        `(golden tolerance 1e-4); the LoRAs move the official v by ${maxAbsDiff(vOfficial, vUnmerged).toFixed(3)}`,
    );
  }
}

/** Merge time of one rank-r LoRA pair into each linear weight of the real DiT (30 blocks), extrapolated from one of each shape. */
async function mergeSpeed(rank: number): Promise<void> {
  const product = onnxLowRankProduct();
  const random = seededRandom(3);
  const shapes: [string, number, number, number][] = [
    ['attention 3072×3072 (×8 per block)', 3072, 3072, 8],
    ['ffn up 14336×3072', 14336, 3072, 1],
    ['ffn down 3072×14336', 3072, 14336, 1],
  ];
  let [total, totalOnnx] = [0, 0];
  for (const [label, rows, columns, perBlock] of shapes) {
    const weight = new Float32Array(rows * columns);
    const up = uniformArray(random, rows * rank, 0.1);
    const down = uniformArray(random, rank * columns, 0.1);
    const start = performance.now();
    addLowRank(weight, rows, columns, up, down, rank, 0.8);
    const ms = performance.now() - start;
    const onnxStart = performance.now();
    const delta = await product(up, down, rows, rank, columns);
    for (let i = 0; i < weight.length; i++) weight[i] = weight[i]! - 0.8 * delta[i]!;
    const onnxMs = performance.now() - onnxStart;
    total += ms * perBlock * 30;
    totalOnnx += onnxMs * perBlock * 30;
    console.log(`merge rank ${rank} into ${label}: ${ms.toFixed(0)} ms in JavaScript, ${onnxMs.toFixed(0)} ms on onnxruntime-node (undoing it: max |w| ${Math.max(...weight.subarray(0, 4096).map(Math.abs)).toExponential(1)})`);
  }
  console.log(`whole DiT (30 blocks, every attention and FFN weight), rank ${rank}: about ${(total / 1000).toFixed(0)} s in JavaScript (browser), ${(totalOnnx / 1000).toFixed(0)} s on onnxruntime-node (CLI)`);
}

const work = await mkdtemp(join(tmpdir(), 'wan-bench-lora-'));
try {
  const wanSrc = values['wan-src'];
  if (wanSrc && existsSync(join(wanSrc, 'model.py'))) await officialCheck(work, wanSrc);
  else console.log('official check skipped: pass --wan-src <folder with Wan2.2 wan/modules/model.py and attention.py>');
  await mergeSpeed(Number(values.rank));
} finally {
  await rm(work, { recursive: true, force: true });
}
