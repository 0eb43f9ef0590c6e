import { wanFlowSchedule } from './flow-schedule.ts';
import type { FlowSampler } from './flow-sampler.ts';

const f = Math.fround;

/** α = 1 − σ and λ = ln α − ln σ, in float32 as the official tensors are. */
const lambda = (sigma: number) => f(f(Math.log(f(1 - sigma))) - f(Math.log(sigma)));

/**
 * Wan's FlowUniPCMultistepScheduler: UniPC with the bh2 variant, order 2, x0 prediction,
 * lower order at the last step, and the UniC corrector from the second step on. The model
 * predicts velocity v; x0 = x − σ·v. The last step goes to σ = 0, where λ = ∞: it returns the
 * x0 prediction exactly instead of evaluating the formulas there.
 */
export function createUniPcSampler(steps: number, shift: number): FlowSampler {
  const { sigmas, timesteps } = wanFlowSchedule(steps, shift);
  const x0s: Float32Array[] = [];
  let lastSample: Float32Array | null = null;
  let lastOrder = 0;

  /** Solves the bh2 coefficient system for `order` points whose relative step ratios are `rks` (last = 1). */
  function coefficients(h: number, rks: number[], order: number) {
    const hh = -h;
    const hPhi1 = Math.expm1(hh);
    const bH = Math.expm1(hh);
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    const b: number[] = [];
    for (let i = 1; i <= order; i++) {
      b.push((hPhiK * factorial) / bH);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    return { hPhi1, bH, b };
  }

  /** x̃ = (σ_t/σ_s)·x − α_t·φ1·m0 − α_t·B_h·Σ ρ_k·D_k, elementwise in float32. */
  function combine(x: Float32Array, m0: Float32Array, sigmaT: number, sigmaS: number, hPhi1: number, bH: number, terms: [number, Float32Array][]): Float32Array {
    const alphaT = f(1 - sigmaT);
    const ratio = f(sigmaT / sigmaS);
    const a = f(alphaT * hPhi1);
    const c = f(alphaT * bH);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let res = 0;
      for (const [rho, d] of terms) res = f(res + f(rho * d[i]!));
      out[i] = f(f(f(ratio * x[i]!) - f(a * m0[i]!)) - f(c * res));
    }
    return out;
  }

  const difference = (a: Float32Array, b: Float32Array, scale: number) => {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = f(f(a[i]! - b[i]!) / scale);
    return out;
  };

  return {
    timesteps,
    sigmas,
    guided: true,
    step(index, velocity, sample) {
      if (index !== x0s.length) throw new RangeError(`UniPC steps must run in order: expected step ${x0s.length}, got ${index}.`);
      const sigma = sigmas[index]!;
      const x0 = new Float32Array(sample.length);
      for (let i = 0; i < x0.length; i++) x0[i] = f(sample[i]! - f(sigma * velocity[i]!));

      // Corrector (UniC): refine x_i with the new x0 prediction, using the previous step's order.
      let x = sample;
      if (index > 0 && lastSample) {
        const m0 = x0s[index - 1]!;
        const h = f(lambda(sigma) - lambda(sigmas[index - 1]!));
        const rks: number[] = [];
        const terms: [number, Float32Array][] = [];
        const ds: Float32Array[] = [];
        if (lastOrder === 2) {
          const rk = f(f(lambda(sigmas[index - 2]!) - lambda(sigmas[index - 1]!)) / h);
          rks.push(rk);
          ds.push(difference(x0s[index - 2]!, m0, rk));
        }
        rks.push(1);
        const { hPhi1, bH, b } = coefficients(h, rks, lastOrder);
        // ρ solves R·ρ = b with R = [[1, 1], [r, 1]] (order 2) or ρ = 0.5 (order 1).
        const rhos = lastOrder === 1 ? [0.5] : solve2([[1, 1], [rks[0]!, 1]], b);
        ds.forEach((d, k) => terms.push([f(rhos[k]!), d]));
        terms.push([f(rhos[rhos.length - 1]!), difference(x0, m0, 1)]);
        x = combine(lastSample, m0, sigma, sigmas[index - 1]!, hPhi1, bH, terms);
      }
      x0s.push(x0);

      // Predictor (UniP) to σ_{i+1}; order min(2, steps − i, steps done + 1).
      const order = Math.min(2, steps - index, index + 1);
      lastSample = x;
      lastOrder = order;
      const sigmaNext = sigmas[index + 1]!;
      if (sigmaNext === 0) return Float32Array.from(x0);
      const h = f(lambda(sigmaNext) - lambda(sigma));
      const terms: [number, Float32Array][] = [];
      if (order === 2) {
        const rk = f(f(lambda(sigmas[index - 1]!) - lambda(sigma)) / h);
        terms.push([0.5, difference(x0s[index - 1]!, x0, rk)]);
      }
      const { hPhi1, bH } = coefficients(h, [1], order);
      return combine(x, x0, sigmaNext, sigma, hPhi1, bH, terms);
    },
  };
}

/** Solves a 2×2 linear system (Cramer's rule). */
function solve2(m: [[number, number], [number, number]], b: number[]): [number, number] {
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  return [(b[0]! * m[1][1] - m[0][1] * b[1]!) / det, (m[0][0] * b[1]! - m[1][0] * b[0]!) / det];
}
