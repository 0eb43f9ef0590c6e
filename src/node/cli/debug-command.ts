import { InvalidInputError } from '../../errors.ts';
import { parseArgs } from 'node:util';
import { COMPONENTS } from '../../pipeline/components.ts';
import type { ComponentName } from '../../pipeline/components.ts';
import { openDirBundle } from '../dir-bundle.ts';
import { choiceOption, integerOption } from './cli-options.ts';
import { DEVICES, DEVICE_USAGE, openDevice } from './device-option.ts';
import type { Device } from './device-option.ts';
import { readCaseFile, writeFloatTensors } from './tensor-files.ts';
import { torchRandn } from '../../pipeline/noise/index.ts';

const USAGE = `wan-web debug <component> --bundle <dir> --in <in.safetensors> --out <out.safetensors>

Runs one component on tensors read by name, writing results under the names of the
official case files (test/fixtures/tiny-a/README.md):
  dit           in: x, t, context                     out: v
  text-encoder  in: ids, mask (long.ids, long.mask)   out: output (long.output)
  vae-decode    in: z                                 out: video, chunk0, chunk1, …
  vae-encode    in: image (video)                     out: mu (video_mu)
  sample        in: noise, context_cond, context_uncond (image), metadata steps/shift/guide_scale
                out: latents (after every step), final
${DEVICE_USAGE}

wan-web debug randn --seed N --shape 1,48,31,44,80 [--variant avx2|default] --out <file.safetensors>
  writes torch.randn(shape, generator=torch.Generator('cpu').manual_seed(N)) as "randn"`;

/** Our noise, bit for bit torch's CPU randn: for checking seeds against PyTorch. */
async function randnCommand(values: { seed?: string | undefined; shape?: string | undefined; variant?: string | undefined; out?: string | undefined }): Promise<number> {
  if (values.seed === undefined || !values.shape || !values.out) throw new InvalidInputError('debug randn needs --seed, --shape and --out.');
  const shape = values.shape.split(',').map((d) => (/^\s*\d+\s*$/.test(d) ? Number(d) : Number.NaN));
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new InvalidInputError(`--shape must be positive integers separated by commas; got "${values.shape}".`);
  const seed = integerOption('seed', values.seed, 0);
  const variant = values.variant ?? 'avx2';
  if (variant !== 'avx2' && variant !== 'default') throw new InvalidInputError('--variant must be avx2 (x86-64 PyTorch) or default (the portable kernel).');
  const data = torchRandn(shape, BigInt(seed), variant);
  await writeFloatTensors(values.out, { randn: { data, dims: shape } });
  process.stderr.write(`wrote randn ${JSON.stringify(shape)} for seed ${values.seed} to ${values.out}\n`);
  return 0;
}

export async function debugCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      bundle: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      shape: { type: 'string' },
      variant: { type: 'string' },
      device: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [name] = positionals;
  if (values.help || !name) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  if (name === 'randn') return randnCommand(values);
  if (!(name in COMPONENTS)) throw new InvalidInputError(`Unknown component "${name}"; choose one of ${Object.keys(COMPONENTS).join(', ')}.`);
  if (!values.bundle || !values.in || !values.out) throw new InvalidInputError('--bundle, --in and --out are all required.');
  const device = choiceOption<Device>('device', values.device, DEVICES, 'cpu');
  const run = await openDevice(device, await openDirBundle(values.bundle), (line) => process.stderr.write(`${line}\n`));
  const input = await readCaseFile(values.in);
  const { ort, bundle, sessionOptions, attentionChunk } = run.options;
  const runtime = { ort, bundle, ...(sessionOptions ? { sessionOptions } : {}), ...(attentionChunk ? { attentionChunk } : {}) };
  const outputs = await COMPONENTS[name as ComponentName](runtime, input).finally(async () => {
    await input.close();
    await run.dispose();
  });
  await writeFloatTensors(values.out, outputs);
  process.stderr.write(`wrote ${Object.keys(outputs).join(', ')} to ${values.out}\n`);
  return 0;
}
