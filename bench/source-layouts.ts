// The bundle from each source layout of the tiny-a checkpoint, against the one from the diffusers
// layout: source bytes read, bundle bytes stored, and each component's largest output difference
// (relative to the output's largest |value|) on the golden cases' inputs.
//   npm run bench:source-layouts [-- --weights int4 --activations fp16]
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../src/node/cli/run-cli.ts';
import { readCaseFile } from '../src/node/cli/tensor-files.ts';
import { goldenCasePath, TINY } from '../test/helpers/golden-cases.ts';
import { readTinyComponent, writeTinyLayouts } from '../test/helpers/tiny-layouts.ts';
import { allLinear, umt5Gguf } from '../test/helpers/tiny-umt5-gguf.ts';
import { printTable } from './table.ts';

const { values } = parseArgs({ options: { weights: { type: 'string', default: 'int4' }, activations: { type: 'string', default: 'fp16' } } });
const precision = ['--weights', values.weights, '--activations', values.activations];
const OUTPUTS: [string, string, string][] = [
  ['text_encoder', 'text-encoder', 'output'],
  ['dit_t2v', 'dit', 'v'],
  ['vae_encode', 'vae-encode', 'mu'],
  ['vae_decode', 'vae-decode', 'video'],
];

const quiet = async <T>(body: () => Promise<T>): Promise<T> => {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true;
  try {
    return await body();
  } finally {
    process.stderr.write = write;
  }
};

async function sizeOf(paths: readonly string[]): Promise<number> {
  let bytes = 0;
  for (const path of paths) bytes += (await stat(path)).size;
  return bytes;
}

async function run(work: string, bundle: string, caseName: string, component: string, name: string): Promise<Float32Array> {
  const out = join(work, `${caseName}.${bundle.split('/').at(-1)}.safetensors`);
  if ((await quiet(() => runCli(['debug', component, '--bundle', bundle, '--in', goldenCasePath(caseName), '--out', out]))) !== 0) throw new Error(`debug ${component} failed`);
  const file = await readCaseFile(out);
  const data = (await file.float(name)).data;
  await file.close();
  return data;
}

/** max |a − b| / max |b|. */
function relativeDiff(a: Float32Array, b: Float32Array): number {
  let maxDiff = 0;
  let scale = 0;
  for (let k = 0; k < b.length; k++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[k]! - b[k]!));
    scale = Math.max(scale, Math.abs(b[k]!));
  }
  return maxDiff / scale;
}

const work = await mkdtemp(join(tmpdir(), 'wan-bench-layouts-'));
try {
  const layouts = await writeTinyLayouts(work);
  const tinyWeights = (dir: string) => join(TINY, dir);
  const textGguf = join(work, 'umt5-tiny-encoder-Q8_0.gguf');
  await writeFile(textGguf, umt5Gguf(await readTinyComponent('text_encoder'), allLinear('Q8_0')));
  const ggufTextFiles = [layouts.comfyFp8Files[0]!, textGguf, layouts.comfyFp8Files[2]!];
  const sources: [string, string[], number][] = [
    ['diffusers (fp32)', [TINY], await sizeOf(['transformer/diffusion_pytorch_model.safetensors', 'vae/diffusion_pytorch_model.safetensors', 'text_encoder/model.safetensors'].map(tinyWeights))],
    ['ComfyUI fp16', [layouts.comfyFolder], await sizeOf(layouts.comfyFp8Files.map((f, i) => (i === 1 ? join(layouts.comfyFolder, 'text_encoders/umt5_tiny_fp16.safetensors') : f)))],
    ['ComfyUI fp16 + fp8-scaled TE', [...layouts.comfyFp8Files], await sizeOf(layouts.comfyFp8Files)],
    ["Wan's original layout (fp32)", [layouts.originalFolder], 0],
    ['GGUF Q8_0 DiT (ComfyUI folder, fp16 TE and VAE)', [layouts.ggufQ8Folder], await sizeOf(['unet/wan2.2-ti2v-tiny-Q8_0.gguf', 'text_encoders/umt5_tiny_fp16.safetensors', 'vae/wan2.2_vae_tiny.safetensors'].map((f) => join(layouts.ggufQ8Folder, f)))],
    ['GGUF Q4_0 DiT (three files, fp16 TE and VAE)', [...layouts.ggufQ4Files], await sizeOf(layouts.ggufQ4Files)],
    ['GGUF Q8_0 UMT5 (llama.cpp names; fp16 DiT and VAE)', ggufTextFiles, await sizeOf(ggufTextFiles)],
  ];
  const bundles: string[] = [];
  for (const [i, [, source]] of sources.entries()) {
    const out = join(work, `bundle-${i}`);
    const extra = i === 0 ? [] : ['--config', TINY, '--tokenizer', 'none'];
    if ((await quiet(() => runCli(['convert', ...source, out, ...precision, ...extra]))) !== 0) throw new Error(`convert ${source.join(' ')} failed`);
    bundles.push(out);
  }
  const reference = await Promise.all(OUTPUTS.map(([c, comp, name]) => run(work, bundles[0]!, c, comp, name)));
  const official: Float32Array[] = [];
  for (const [c, , name] of OUTPUTS) {
    const file = await readCaseFile(goldenCasePath(c));
    official.push((await file.float(name)).data);
    await file.close();
  }
  const rows: string[][] = [];
  for (const [i, [label, , readBytes]] of sources.entries()) {
    const manifest = JSON.parse(await readFile(join(bundles[i]!, 'manifest.json'), 'utf8')) as { files: { bytes: number }[] };
    const diffs: string[] = [];
    for (const [j, [c, comp, name]] of OUTPUTS.entries()) {
      const ours = await run(work, bundles[i]!, c, comp, name);
      diffs.push(relativeDiff(ours, reference[j]!).toExponential(2));
      // The text encoder's precision differs between sources (a Q8_0 GGUF stays 8-bit): also against the official output.
      if (j === 0) diffs.push(relativeDiff(ours, official[0]!).toExponential(2));
    }
    rows.push([label, readBytes > 0 ? String(readBytes) : 'as diffusers', String(manifest.files.reduce((s, f) => s + f.bytes, 0)), ...diffs]);
  }
  // For scale: how far the diffusers-source bundle itself is from the official outputs at this precision.
  const golden = OUTPUTS.flatMap((_, j) => (j === 0 ? ['', ''] : [relativeDiff(reference[j]!, official[j]!).toExponential(2)]));
  rows.push(['(diffusers-source bundle vs the official outputs)', '', '', ...golden]);
  console.log(`tiny-a, ${values.weights} weights, ${values.activations} activations; differences are max |Δ| / max |reference| against the diffusers-source bundle`);
  const headers = OUTPUTS.flatMap(([, comp, name], j) => (j === 0 ? [`${comp} ${name}`, `${comp} ${name} vs official`] : [`${comp} ${name}`]));
  printTable(['source', 'source bytes read', 'bundle bytes', ...headers], rows);
} finally {
  await rm(work, { recursive: true, force: true });
}
