/**
 * Fills `out` with uniformly random 32-bit words from xoshiro128** (Blackman & Vigna), the
 * generator behind NormalStream, and returns the state to continue from. Bytes of quantized
 * weights need no distribution shaping, so this is the fastest way to make gigabytes of them.
 */
export function fillUniformWords(out: Uint32Array, state: readonly [number, number, number, number]): [number, number, number, number] {
  let [s0, s1, s2, s3] = state;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  for (let i = 0; i < out.length; i++) {
    const x = Math.imul(s1, 5);
    out[i] = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
  }
  return [s0, s1, s2, s3];
}
