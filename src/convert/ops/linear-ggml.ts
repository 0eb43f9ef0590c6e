import type { BuildContext, FloatType } from '../build-context.ts';
import { derivedWeights, floatBytes } from '../build-context.ts';
import { MATMUL_NBITS_GGML_TYPES, ggmlToMatMulNBits } from '../quant/ggml-matmul-nbits.ts';
import { weightFormatOf } from '../../bundle/quant-config.ts';
import { linearFamily } from '../../bundle/tensor-families.ts';

/**
 * y = x·Wᵀ (+ b) straight from a GGUF source's Q8_0 or Q4_0 blocks, when the conversion stores
 * quantized weights: the blocks become MatMulNBits inputs without requantising (8-bit for Q8_0,
 * 4-bit for Q4_0, block 32, whichever of int4 and int8 the weight's family asks for). Returns undefined for any other
 * source or type, and the caller quantizes as usual.
 */
export async function linearFromGgmlBlocks(
  ctx: BuildContext,
  scope: string,
  x: string,
  name: string,
  n: number,
  k: number,
  bias: string | undefined,
  floatType: FloatType,
): Promise<string | undefined> {
  const { g, quant, weights } = ctx;
  const type = weights.ggml?.type(name);
  const format = weightFormatOf(quant, linearFamily(name));
  if (format !== 'int4' && format !== 'int8') return undefined;
  if (type === undefined || !MATMUL_NBITS_GGML_TYPES.has(type) || k % 32 !== 0 || weights.info(name).shape.length !== 2) return undefined;
  const bits = type === 'Q8_0' ? 8 : 4;
  const kBlocks = k / 32;
  const [data, scales, zeroPoints] = await derivedWeights(
    ctx,
    [
      { name: `${name}.${type.toLowerCase()}.q${bits}`, dtype: 'uint8', dims: [n, kBlocks, (32 * bits) / 8] },
      { name: `${name}.${type.toLowerCase()}.scales`, dtype: floatType, dims: [n * kBlocks] },
      { name: `${name}.${type.toLowerCase()}.zero_points`, dtype: 'uint8', dims: [n * (bits === 4 ? Math.ceil(kBlocks / 2) : kBlocks)] },
    ],
    async () => {
      const w = ggmlToMatMulNBits(type, await weights.ggml!.read(name), n, k);
      // The scales are fp16 in the file, so they are exact in either float type.
      return [w.data, floatBytes(w.scales, floatType), w.zeroPoints];
    },
  );
  const inputs = bias === undefined ? [x, data!, scales!, zeroPoints!] : [x, data!, scales!, zeroPoints!, '', bias];
  return g.op('MatMulNBits', inputs, `${scope}/MatMulNBits`, {
    domain: 'com.microsoft',
    attrs: { K: k, N: n, bits, block_size: 32, accuracy_level: quant.accuracyLevel },
  });
}
