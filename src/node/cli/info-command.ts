import { parseArgs } from 'node:util';
import { InvalidInputError } from '../../errors.ts';
import { validateManifest } from '../../bundle/manifest.ts';
import { describeWeights, familyFormats } from '../../bundle/precision-summary.ts';
import { TENSOR_FAMILY_LABELS } from '../../bundle/tensor-families.ts';
import { formatBytes } from '../../format-bytes.ts';
import { readManifest } from '../dir-bundle.ts';

const USAGE = `wan-web info <bundle-dir>

Prints what a bundle is: its source, its precision (the weight format of every tensor family),
the LoRAs merged into it and its files.`;

/** `wan-web info`: a bundle's manifest in words. */
export async function infoCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  const [dir] = positionals;
  if (values.help || !dir) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  if (positionals.length > 1) throw new InvalidInputError('info takes one bundle folder.');
  const manifest = validateManifest(await readManifest(dir));
  const p = manifest.precision;
  const total = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
  const lines = [
    `${manifest.name} (from ${manifest.source.repo} @ ${manifest.source.revision}, made by ${manifest.createdBy})`,
    `weights:      ${describeWeights(p)} (MatMulNBits block ${p.blockSize}, accuracy_level ${p.accuracyLevel})`,
    `activations:  ${p.activations}`,
    `VAE:          ${p.vaeWeights ?? 'float'} convolution weights, ${p.vaeCache ?? 'float'} caches`,
    p.families === undefined ? `tensor families (not recorded in this older bundle: all ${p.weights}):` : 'tensor families:',
    ...familyFormats(p).map(({ family, format }) => `  ${family.padEnd(16)} ${format.padEnd(5)} ${TENSOR_FAMILY_LABELS[family]}`),
    ...(manifest.loras ?? []).map((l, k) => `${k === 0 ? 'LoRAs:       ' : '             '} ${l.file} at strength ${l.strength} (sha256 ${l.sha256})`),
    `graphs:       ${Object.keys(manifest.graphs).join(', ')}`,
    `files:        ${manifest.files.length}, ${formatBytes(total)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
