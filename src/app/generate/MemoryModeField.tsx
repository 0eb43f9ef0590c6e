import { formatDuration } from '../../format-duration.ts';
import { MEMORY_MODES, staysLoaded } from '../../pipeline/generate/memory-mode.ts';
import type { MemoryMode } from '../../pipeline/generate/memory-mode.ts';
import { useGenerationStore } from '../../state/generation-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { modelPartName } from './model-part-name.ts';

const LABELS: Record<MemoryMode, string> = {
  'keep-loaded': 'Keep every model loaded',
  balanced: 'Balanced: keep the DiT loaded',
  'one-at-a-time': 'One model at a time',
};

const MEANINGS: Record<MemoryMode, string> = {
  'keep-loaded': 'Every model stays on the GPU: nothing loads again, but they need about twice the memory of the DiT alone.',
  balanced: 'The DiT stays on the GPU; the text encoder and the VAE load for their step and leave (fits an 8 GB GPU at 480p).',
  'one-at-a-time': 'Each model loads for its step and leaves: the least GPU memory, the most loading.',
};

/** Reloads in the last generation that happen again in every generation of this mode, summed per model. */
function reloadCost(loads: readonly { graph: string; ms: number }[], mode: MemoryMode): string | null {
  const perPart = new Map<string, number>();
  for (const load of loads) {
    if (staysLoaded(mode, load.graph)) continue;
    const part = modelPartName(load.graph);
    perPart.set(part, (perPart.get(part) ?? 0) + load.ms);
  }
  if (perPart.size === 0) return null;
  return [...perPart].map(([part, ms]) => `${part} ${formatDuration(ms)}`).join(', ');
}

/** Which models stay on the GPU, and what that cost in loading time in the last generation. */
export function MemoryModeField() {
  const mode = useSettingsStore((s) => s.memoryMode);
  const update = useSettingsStore((s) => s.update);
  const loads = useGenerationStore((s) => s.loads);
  const loadsMemory = useGenerationStore((s) => s.loadsMemory);
  const cost = loadsMemory === mode ? reloadCost(loads, mode) : null;
  return (
    <div className="field">
      <label htmlFor="memory-mode">GPU memory</label>
      <select id="memory-mode" data-testid="memory-mode" value={mode} aria-describedby="memory-mode-hint" onChange={(event) => update({ memoryMode: event.target.value as MemoryMode })}>
        {MEMORY_MODES.map((option) => (
          <option key={option} value={option}>
            {LABELS[option]}
          </option>
        ))}
      </select>
      <span className="hint" id="memory-mode-hint" data-testid="memory-mode-hint">
        {MEANINGS[mode]}
        {cost && ` Loading in the last generation, again in every one: ${cost}.`}
      </span>
    </div>
  );
}
