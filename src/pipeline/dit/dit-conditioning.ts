/**
 * Host-side DiT inputs that Wan computes in float64: the timestep sinusoid and the 3-D
 * rotary tables. Computing them here (then rounding once to float32) matches the
 * official code more closely than float32 arithmetic inside the graph would.
 */

/** Wan's sinusoidal timestep embedding: [cos(t·ω_i) | sin(t·ω_i)], ω_i = 10000^(−i/half). */
export function timestepSinusoid(timesteps: readonly number[], freqDim: number): Float32Array {
  const half = freqDim / 2;
  const out = new Float32Array(timesteps.length * freqDim);
  timesteps.forEach((t, row) => {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.pow(10000, -i / half);
      out[row * freqDim + i] = Math.cos(angle);
      out[row * freqDim + half + i] = Math.sin(angle);
    }
  });
  return out;
}

/** How the head dimension splits into (time, height, width) rotary parts (in real dims). */
export function ropeAxisDims(headDim: number): [number, number, number] {
  const hw = 2 * Math.floor(headDim / 6);
  return [headDim - 2 * hw, hw, hw];
}

/**
 * Rotary cos/sin tables for a patch grid of F×H×W tokens (ordered f, h, w), [L, headDim/2]
 * each: per token the angles of its frame, row and column, concatenated [t | h | w].
 */
export function ropeTables(grid: readonly [number, number, number], headDim: number): { cos: Float32Array; sin: Float32Array } {
  const [frames, rows, cols] = grid;
  const axisDims = ropeAxisDims(headDim);
  const freqs = axisDims.map((d) => Array.from({ length: d / 2 }, (_, j) => 1 / Math.pow(10000, (2 * j) / d)));
  const pairs = headDim / 2;
  const length = frames * rows * cols;
  const cos = new Float32Array(length * pairs);
  const sin = new Float32Array(length * pairs);
  let token = 0;
  for (let f = 0; f < frames; f++) {
    for (let h = 0; h < rows; h++) {
      for (let w = 0; w < cols; w++, token++) {
        let column = token * pairs;
        [f, h, w].forEach((position, axis) => {
          for (const freq of freqs[axis]!) {
            const angle = position * freq;
            cos[column] = Math.cos(angle);
            sin[column] = Math.sin(angle);
            column++;
          }
        });
      }
    }
  }
  return { cos, sin };
}
