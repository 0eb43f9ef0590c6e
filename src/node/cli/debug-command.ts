import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { parseDitConfig } from '../../convert/wan-dit/dit-config.ts';
import { computeCrossKv, runDitStep } from '../../pipeline/dit/dit-runner.ts';
import type { BundleAccess } from '../../pipeline/bundle-access.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { readCaseFile, writeFloatTensors } from './tensor-files.ts';
import type { CaseFile } from './tensor-files.ts';

type Tensors = Record<string, { data: Float32Array; dims: readonly number[] }>;
type Component = (bundle: BundleAccess, input: CaseFile) => Promise<Tensors>;

const USAGE = `wan-web debug <component> --bundle <dir> --in <in.safetensors> --out <out.safetensors>

Runs one component on tensors read by name, writing results under the names of the
official case files (test/fixtures/tiny-a/README.md):
  dit           in: x, t, context            out: v
  text-encoder  in: ids, mask (long.ids, long.mask)   out: output (long.output)
  vae-decode    in: z                        out: video, chunk0, chunk1, …
  vae-encode    in: image (video)            out: mu (video_mu)`;

/** DiT forward: x [1, C, F, H, W], per-token t [1, L], context [1, 512, text_dim] → v. */
const dit: Component = async (bundle, input) => {
  const config = parseDitConfig(bundle.manifest.configs.transformer);
  const [x, t, context] = await Promise.all([input.float('x'), input.float('t'), input.float('context')]);
  const kv = await computeCrossKv(ort, await bundle.createSession('dit-context'), context.data, config.textDim);
  const v = await runDitStep(ort, await bundle.createSession('dit'), config, x.data, x.dims, t.data, kv);
  return { v: { data: v, dims: x.dims } };
};

const COMPONENTS: Record<string, Component> = { dit };

export async function debugCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { bundle: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [name] = positionals;
  if (values.help || !name) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const component = COMPONENTS[name];
  if (!component) throw new TypeError(`Unknown component "${name}"; choose one of ${Object.keys(COMPONENTS).join(', ')}.`);
  if (!values.bundle || !values.in || !values.out) throw new TypeError('--bundle, --in and --out are all required.');
  const bundle = await openDirBundle(values.bundle);
  const outputs = await component(bundle, await readCaseFile(values.in));
  await writeFloatTensors(values.out, outputs);
  process.stderr.write(`wrote ${Object.keys(outputs).join(', ')} to ${values.out}\n`);
  return 0;
}
