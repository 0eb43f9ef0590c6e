import type { VaeCacheFormat } from '../../bundle/quant-config.ts';
import { CACHE_NEW, CACHE_NEXT, CACHE_PREFIX, CACHE_SCALE } from '../../bundle/vae-names.ts';
import type { VaeStage } from './vae-stage.ts';
import { int8StateInput, int8StateOutput, stateInput, stateOutput } from './vae-state-io.ts';
import type { Act } from './vae-tensors.ts';

/**
 * The frame caches of a stage's causal convolutions: state inputs `cache.<conv>.<i>` and the
 * outputs that update them (see vae-state-io.ts for the layout). `<conv>` is the conv's
 * checkpoint prefix without the model half's root. With int8 caches each slot is int8 with a
 * companion `cache.<conv>.scale.<i>` (see {@link int8StateOutput}).
 */
export class CausalConvCaches {
  /** Int8 cache outputs declared since the last {@link flushBefore}. */
  private readonly unsettled: string[] = [];

  constructor(
    private readonly s: VaeStage,
    /** Checkpoint prefix of this model half ('decoder' or 'encoder'). */
    private readonly root: string,
    readonly format: VaeCacheFormat,
  ) {}

  /** The cached input frames of a causal conv: `slots` state inputs shaped like `like`, slot 0 the oldest. */
  inputs(conv: string, slots: 1 | 2, like: Act): Act[] {
    const name = this.cacheName(conv);
    return Array.from({ length: slots }, (_, i) =>
      this.format === 'int8'
        ? int8StateInput(this.s, `${name}.${i}`, `${name}.${CACHE_SCALE}.${i}`, like)
        : stateInput(this.s, `${name}.${i}`, like.channels, like.scale, like.dtype),
    );
  }

  /**
   * Declares `cache.<conv>.new` ← `next`, the frame that enters the conv's cache. After every
   * call the runner drops slot 0, shifts the others down and puts `.new` in the last slot.
   */
  output(conv: string, next: Act): void {
    const name = this.cacheName(conv);
    this.declare(`${name}.${CACHE_NEW}`, `${name}.${CACHE_SCALE}.${CACHE_NEW}`, next);
  }

  /** Declares `cache.<conv>.<slot>.next` ← `value`, which replaces that slot after the call. */
  replacement(conv: string, slot: number, value: Act): void {
    const name = this.cacheName(conv);
    this.declare(`${name}.${slot}.${CACHE_NEXT}`, `${name}.${CACHE_SCALE}.${slot}.${CACHE_NEXT}`, value);
  }

  /**
   * `x`, made to depend on every int8 cache output declared since the last call. onnxruntime
   * orders nodes by a depth-first walk back from the graph's outputs, so a cache output that
   * nothing reads would be made at the very end of the run, and every float frame the caches
   * are quantised from (four times their bytes) would be held until then. Here `x` goes through
   * a Reshape to its own shape (an alias, no copy) whose target is computed from the caches'
   * shapes, so each cache is made as soon as its frame exists. FloatType caches need none of this:
   * their outputs are as large as their frames and are held to the end of the run either way.
   */
  flushBefore(x: Act): Act {
    const caches = this.unsettled.splice(0);
    if (caches.length === 0) return x;
    const s = this.s;
    const scope = `/vae/after_caches/${x.name}`;
    // A symbolic dim of each (a static one would be constant-folded, and the dependency with it).
    const dims = caches.map((cache, i) => s.op('Shape', [cache], `${scope}/Shape_${i}`, 'int64', null, { start: 1, end: 2 }));
    const all = dims.length === 1 ? dims[0]! : s.op('Concat', dims, `${scope}/Concat`, 'int64', null, { axis: 0 });
    const zeros = s.op('Sub', [all, all], `${scope}/Sub`, 'int64', null);
    const zero = s.op('ReduceMin', [zeros], `${scope}/ReduceMin`, 'int64', null, { keepdims: 1 });
    // Reshape's 0 keeps that dim of the input.
    const keep = s.op('Expand', [zero, s.g.constant('int64', [1], [4])], `${scope}/Expand`, 'int64', null);
    return s.actOp('Reshape', [x.name, keep], `${scope}/Reshape`, x.channels, x.scale, {}, x.dtype);
  }

  private declare(name: string, scaleName: string, x: Act): void {
    if (this.format === 'int8') this.unsettled.push(int8StateOutput(this.s, name, scaleName, x));
    else stateOutput(this.s, name, x);
  }

  /** `cache.` + the conv's module name: `decoder.up_blocks.0.resnets.1.conv1` → `cache.up_blocks.0.resnets.1.conv1`. */
  private cacheName(conv: string): string {
    const module = conv.startsWith(`${this.root}.`) ? conv.slice(this.root.length + 1) : conv;
    return `${CACHE_PREFIX}${module}`;
  }
}
