import { ConvertError } from '../../errors.ts';
import { toFloat32 } from '../../safetensors/index.ts';
import type { SourceTensorInfo } from '../weights/weight-source.ts';
import type { LoraFile } from './lora-file.ts';
import { parseLoraKey } from './lora-key.ts';
import type { LoraKey, LoraPart } from './lora-key.ts';
import { loraModuleTargets } from './lora-target.ts';

/** One change to one transformer tensor: `scale · up · down` (a low-rank pair) or `scale · delta` (a full delta). */
export type LoraPatch =
  | { readonly kind: 'low-rank'; readonly lora: LoraFile; readonly down: string; readonly up: string; readonly rank: number; readonly scale: number }
  | { readonly kind: 'delta'; readonly lora: LoraFile; readonly key: string; readonly scale: number };

/** What a merge needs of the base transformer: which tensors it has and their shapes. */
export interface LoraBase {
  has(name: string): boolean;
  info(name: string): SourceTensorInfo;
}

const ANOTHER_MODEL = 'Is the LoRA made for Wan2.2 TI2V-5B (not Wan2.1/2.2 14B, not a text-encoder LoRA)?';

/**
 * Maps every key of every LoRA to a transformer tensor (diffusers names) and says how it changes
 * it; the patches of several LoRAs on one tensor add up. Scale = strength × alpha / rank, alpha
 * defaulting to the rank; full deltas (`.diff`, `.diff_b`) are scaled by the strength alone. A key
 * that maps to nothing, or does not fit its tensor, is refused with its name.
 */
export async function planLoras(loras: readonly LoraFile[], base: LoraBase): Promise<Map<string, LoraPatch[]>> {
  const plan = new Map<string, LoraPatch[]>();
  const add = (tensor: string, patch: LoraPatch) => plan.set(tensor, [...(plan.get(tensor) ?? []), patch]);
  for (const lora of loras) {
    if (lora.tensors.size === 0) throw new ConvertError(`LoRA ${lora.name} has no tensors.`, lora.name);
    for (const [module, parts] of groupByModule(lora)) {
      const first = [...parts.values()][0]!;
      const targets = loraModuleTargets(module.module, module.underscored, (name) => base.has(name));
      if (targets.length !== 1) {
        const why = targets.length === 0 ? `maps to no tensor of the transformer. ${ANOTHER_MODEL}` : `could mean any of ${targets.join(', ')}.`;
        throw new ConvertError(`LoRA ${lora.name}: key "${first.key}" ${why}`, lora.name, first.key);
      }
      await planModule(lora, targets[0]!, parts, base, add);
    }
  }
  return plan;
}

type Parts = Map<LoraPart, LoraKey>;

function groupByModule(lora: LoraFile): Map<{ module: string; underscored: boolean }, Parts> {
  const byPath = new Map<string, { id: { module: string; underscored: boolean }; parts: Parts }>();
  for (const key of lora.tensors.keys()) {
    const parsed = parseLoraKey(key);
    if (!parsed) {
      throw new ConvertError(
        `LoRA ${lora.name}: key "${key}" is not a part of a LoRA this reader knows (lora_A/lora_B, lora_down/lora_up, alpha, diff, diff_b; LoHa, LoKr and DoRA are not supported).`,
        lora.name,
        key,
      );
    }
    const path = `${parsed.underscored ? 'kohya:' : ''}${parsed.module}`;
    const entry = byPath.get(path) ?? { id: { module: parsed.module, underscored: parsed.underscored }, parts: new Map() };
    entry.parts.set(parsed.part, parsed);
    byPath.set(path, entry);
  }
  return new Map([...byPath.values()].map(({ id, parts }) => [id, parts]));
}

async function planModule(lora: LoraFile, target: string, parts: Parts, base: LoraBase, add: (tensor: string, patch: LoraPatch) => void): Promise<void> {
  const refuse = (key: LoraKey, why: string): never => {
    throw new ConvertError(`LoRA ${lora.name}: key "${key.key}" ${why}`, lora.name, key.key);
  };
  const shapeOf = (key: LoraKey) => lora.tensors.get(key.key)!.shape;
  const down = parts.get('down');
  const up = parts.get('up');
  const weight = base.has(`${target}.weight`) ? `${target}.weight` : target;
  let lowRankScale: number | undefined;
  if (down || up) {
    if (!down || !up) return refuse((down ?? up)!, `has no ${down ? 'up (lora_B / lora_up)' : 'down (lora_A / lora_down)'} partner.`);
    const [rank = 0, ...inner] = shapeOf(down);
    const [out = 0, upRank = 0, ...ones] = shapeOf(up);
    const wanted = base.info(weight).shape;
    const fits = upRank === rank && ones.every((d) => d === 1) && out === wanted[0] && product(inner) === product(wanted.slice(1));
    if (!fits) refuse(down, `(rank ${rank}, [${shapeOf(down).join(', ')}] with up [${shapeOf(up).join(', ')}]) does not fit ${weight} [${wanted.join(', ')}]. ${ANOTHER_MODEL}`);
    const alphaKey = parts.get('alpha');
    const alpha = alphaKey ? await scalar(lora, alphaKey.key) : rank;
    lowRankScale = (lora.strength * alpha) / rank;
    add(weight, { kind: 'low-rank', lora, down: down.key, up: up.key, rank, scale: lowRankScale });
  } else if (parts.has('alpha')) refuse(parts.get('alpha')!, 'is an alpha without its lora_down / lora_up pair.');
  const delta = (key: LoraKey | undefined, tensor: string, scale: number) => {
    if (!key) return;
    if (!base.has(tensor)) refuse(key, `adds to ${tensor}, which the transformer does not have.`);
    const wanted = base.info(tensor).shape;
    if (product(shapeOf(key)) !== product(wanted)) refuse(key, `has shape [${shapeOf(key).join(', ')}] but ${tensor} has [${wanted.join(', ')}]. ${ANOTHER_MODEL}`);
    add(tensor, { kind: 'delta', lora, key: key.key, scale });
  };
  delta(parts.get('diff'), weight, lora.strength);
  delta(parts.get('diff_b'), `${target}.bias`, lora.strength);
  const upBias = parts.get('up_bias');
  if (upBias && lowRankScale === undefined) refuse(upBias, 'is a lora_B bias without its lora_A / lora_B pair.');
  delta(upBias, `${target}.bias`, lowRankScale ?? 0);
}

async function scalar(lora: LoraFile, key: string): Promise<number> {
  const { info, bytes } = await lora.readTensor(key);
  const values = toFloat32(info, bytes);
  if (values.length !== 1 || !Number.isFinite(values[0]) || values[0] === 0) {
    throw new ConvertError(`LoRA ${lora.name}: key "${key}" should hold one non-zero number (the alpha).`, lora.name, key);
  }
  return values[0]!;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
