import { wanFlowSchedule } from './flow-schedule.ts';
import { cleanEstimate } from './flow-sampler.ts';
import type { FlowSampler } from './flow-sampler.ts';
import type { LatentMath, Term } from './latent-math.ts';

const f = Math.fround;

/** α = 1 − σ and λ = ln α − ln σ, in float32 as the official tensors are. */
const lambda = (sigma: number) => f(f(Math.log(f(1 - sigma))) - f(Math.log(sigma)));

/** φ₁ and B(h) of the bh2 variant, and the b vector of its order-`order` coefficient system. */
function coefficients(h: number, order: number) {
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

/** Solves a 2×2 linear system (Cramer's rule). */
function solve2(m: [[number, number], [number, number]], b: number[]): [number, number] {
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  return [(b[0]! * m[1][1] - m[0][1] * b[1]!) / det, (m[0][0] * b[1]! - m[1][0] * b[0]!) / det];
}

/**
 * Wan's FlowUniPCMultistepScheduler: UniPC with the bh2 variant, order 2, x0 prediction,
 * lower order at the last step, and the UniC corrector from the second step on. The model
 * predicts velocity v; x0 = x − σ·v. The last step goes to σ = 0, where λ = ∞: it returns the
 * x0 prediction exactly instead of evaluating the formulas there.
 *
 * Every update is x̃ = (σ_t/σ_s)·x − α_t·φ₁·m₀ − α_t·B_h·Σ ρ_k·D_k with D_k = (m_k − m₀)/r_k:
 * a linear combination of x, m₀ and the earlier x0 predictions, which is how it is evaluated.
 */
export function createUniPcSampler<T>(steps: number, shift: number, math: LatentMath<T>): FlowSampler<T> {
  const { sigmas, timesteps } = wanFlowSchedule(steps, shift);
  /** The x0 predictions of the last two steps, newest last. */
  const x0s: T[] = [];
  let lastSample: T | null = null;
  let lastOrder = 0;
  let done = 0;

  /** Σ over `terms` with coefficients of the same tensor added up (so each tensor is read once). */
  function merged(terms: readonly Term<T>[]): Term<T>[] {
    const byTensor = new Map<T, number>();
    for (const [c, t] of terms) byTensor.set(t, (byTensor.get(t) ?? 0) + c);
    return [...byTensor].map(([t, c]) => [c, t] as const);
  }

  /** The UniC correction of the previous step's sample, with this step's x0 prediction. */
  function corrector(index: number, x0: T): Promise<T> {
    const sigma = sigmas[index]!;
    const sigmaPrev = sigmas[index - 1]!;
    const m0 = x0s[x0s.length - 1]!;
    const h = f(lambda(sigma) - lambda(sigmaPrev));
    const { hPhi1, bH, b } = coefficients(h, lastOrder);
    const alpha = 1 - sigma;
    const c = alpha * bH;
    const terms: Term<T>[] = [
      [sigma / sigmaPrev, lastSample!],
      [-alpha * hPhi1, m0],
    ];
    if (lastOrder === 2) {
      const rk = f(f(lambda(sigmas[index - 2]!) - lambda(sigmaPrev)) / h);
      // ρ solves R·ρ = b with R = [[1, 1], [r, 1]].
      const [rho0, rho1] = solve2([[1, 1], [rk, 1]], b);
      terms.push([-c * (rho0 / rk), x0s[x0s.length - 2]!], [c * (rho0 / rk), m0], [-c * rho1, x0], [c * rho1, m0]);
    } else {
      terms.push([-c * 0.5, x0], [c * 0.5, m0]);
    }
    return math.combine(merged(terms));
  }

  /** The UniP prediction of x at σ_{i+1} from x at σ_i. */
  function predictor(index: number, x: T, x0: T, order: number): Promise<T> {
    const sigma = sigmas[index]!;
    const sigmaNext = sigmas[index + 1]!;
    const h = f(lambda(sigmaNext) - lambda(sigma));
    const { hPhi1, bH } = coefficients(h, order);
    const alpha = 1 - sigmaNext;
    const terms: Term<T>[] = [
      [sigmaNext / sigma, x],
      [-alpha * hPhi1, x0],
    ];
    if (order === 2) {
      const rk = f(f(lambda(sigmas[index - 1]!) - lambda(sigma)) / h);
      const d = (alpha * bH * 0.5) / rk;
      terms.push([-d, x0s[x0s.length - 2]!], [d, x0]);
    }
    return math.combine(merged(terms));
  }

  return {
    timesteps,
    sigmas,
    guided: true,
    async step(index, velocity, sample) {
      if (index !== done || index >= steps) throw new RangeError(`UniPC steps must run in order: expected step ${done}, got ${index}.`);
      done++;
      const x0 = await math.combine(cleanEstimate(sample, velocity, sigmas[index]!));
      // Corrector (UniC) from the second step on: refine x_i with the new x0 prediction.
      const x = index > 0 && lastSample !== null ? await corrector(index, x0) : sample;
      x0s.push(x0);
      while (x0s.length > 2) math.release(x0s.shift()!);

      // Predictor (UniP) to σ_{i+1}; order min(2, steps − i, steps done + 1).
      const order = Math.min(2, steps - index, index + 1);
      const isLast = sigmas[index + 1] === 0;
      const next = isLast ? await math.combine([[1, x0]]) : await predictor(index, x, x0, order);
      if (lastSample !== null) math.release(lastSample);
      lastSample = null;
      if (isLast) {
        if (x !== sample) math.release(x);
      } else {
        lastSample = x === sample ? await math.combine([[1, sample]]) : x;
        lastOrder = order;
      }
      return next;
    },
    dispose() {
      for (const x0 of x0s.splice(0)) math.release(x0);
      if (lastSample !== null) math.release(lastSample);
      lastSample = null;
    },
  };
}
