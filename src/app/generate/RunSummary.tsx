import { ditPasses } from '../../pipeline/estimate/generation-estimate.ts';
import type { SamplerName } from '../../pipeline/generate/generation-settings.ts';
import { useModelsStore } from '../../state/models-store.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

const SAMPLERS: Record<SamplerName, string> = { unipc: 'UniPC', euler: 'Euler', dmd: 'DMD' };

/** What Generate will run, in one line beside it: model, size, length, steps and guidance. */
export function RunSummary() {
  const settings = useSettingsStore();
  const installed = useModelsStore((state) => state.installed);
  const model =
    settings.modelSource === 'url' ? 'the bundle at the URL' : (installed.find((candidate) => candidate.id === settings.installedModelId)?.name ?? null);
  // The sampler may fix its own steps (DMD's 3); settings being edited may not make a sampler yet.
  const steps = () => {
    try {
      return ditPasses(settings).steps;
    } catch {
      return settings.steps;
    }
  };
  const guidance = settings.sampler === 'dmd' ? '' : `, guidance ${settings.guidance}`;
  const seconds = settings.fps > 0 ? ` (${(settings.frames / settings.fps).toFixed(1)} s at ${settings.fps} fps)` : '';
  return (
    <p className="hint" data-testid="run-summary">
      {model ? `Runs ${model}` : 'Once a model is installed, runs'}: {settings.width}×{settings.height}, {settings.frames} frames{seconds}, {steps()} {SAMPLERS[settings.sampler]} steps{guidance}.
    </p>
  );
}
