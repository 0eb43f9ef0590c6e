import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { COMPONENTS } from '../../pipeline/components.ts';
import type { ComponentName } from '../../pipeline/components.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { readCaseFile, writeFloatTensors } from './tensor-files.ts';

const USAGE = `wan-web debug <component> --bundle <dir> --in <in.safetensors> --out <out.safetensors>

Runs one component on tensors read by name, writing results under the names of the
official case files (test/fixtures/tiny-a/README.md):
  dit           in: x, t, context                     out: v
  text-encoder  in: ids, mask (long.ids, long.mask)   out: output (long.output)
  vae-decode    in: z                                 out: video, chunk0, chunk1, …
  vae-encode    in: image (video)                     out: mu (video_mu)`;

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
  if (!(name in COMPONENTS)) throw new TypeError(`Unknown component "${name}"; choose one of ${Object.keys(COMPONENTS).join(', ')}.`);
  if (!values.bundle || !values.in || !values.out) throw new TypeError('--bundle, --in and --out are all required.');
  const bundle = await openDirBundle(values.bundle);
  const input = await readCaseFile(values.in);
  const outputs = await COMPONENTS[name as ComponentName]({ ort, bundle }, input).finally(() => input.close());
  await writeFloatTensors(values.out, outputs);
  process.stderr.write(`wrote ${Object.keys(outputs).join(', ')} to ${values.out}\n`);
  return 0;
}
