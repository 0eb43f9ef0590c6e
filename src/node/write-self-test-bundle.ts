import { convertCheckpoint } from '../convert/convert-checkpoint.ts';
import { FP32_CONFIG } from '../bundle/quant-config.ts';
import { SELF_TEST_TINY_DECODER, SELF_TEST_TINY_DECODER_SOURCE, selfTestCheckpoint, selfTestTinyDecoderWeights } from '../convert-install/self-test-model.ts';
import { dirBundleSink } from './dir-bundle-sink.ts';
import { addTinyDecoderToDir } from './tiny-decoder-dir.ts';

/**
 * Writes the built-in self-test model, converted as the browser converts it (fp32), as a
 * bundle folder at `dir`, with a seeded random tiny decoder added as `wan-web convert
 * --tiny-decoder` adds one.
 */
export async function writeSelfTestBundle(dir: string): Promise<void> {
  await convertCheckpoint(await selfTestCheckpoint(), await dirBundleSink(dir), { quant: FP32_CONFIG, source: { repo: 'self-test', revision: 'test' } });
  await addTinyDecoderToDir(dir, selfTestTinyDecoderWeights(), SELF_TEST_TINY_DECODER_SOURCE, SELF_TEST_TINY_DECODER);
}
