import { convertCheckpoint } from '../convert/convert-checkpoint.ts';
import { FP32_CONFIG } from '../bundle/quant-config.ts';
import { selfTestCheckpoint, selfTestTinyDecoder } from '../convert-install/self-test-model.ts';
import { dirBundleSink } from './dir-bundle-sink.ts';

/**
 * Writes the built-in self-test model, converted as the browser converts it (fp32, with its
 * tiny decoder unless `tinyDecoder` is false), as a bundle folder at `dir`.
 */
export async function writeSelfTestBundle(dir: string, { tinyDecoder = true }: { readonly tinyDecoder?: boolean } = {}): Promise<void> {
  await convertCheckpoint(await selfTestCheckpoint(), await dirBundleSink(dir), {
    quant: FP32_CONFIG,
    source: { repo: 'self-test', revision: 'test' },
    ...(tinyDecoder ? { tinyDecoder: selfTestTinyDecoder() } : {}),
  });
}
