import { useSettingsStore } from '../../state/settings-store.ts';
import { useStartImageStore } from '../../state/start-image-store.ts';
import type { Settings } from '../../state/settings-store.ts';
import { LengthField } from './LengthField.tsx';
import { ModelField } from './ModelField.tsx';
import { DecoderField } from './DecoderField.tsx';
import { MemoryModeField } from './MemoryModeField.tsx';
import { NegativePromptField } from './NegativePromptField.tsx';
import { NumberField } from './NumberField.tsx';
import { SETTING_RANGES } from '../../pipeline/generate/generation-settings.ts';
import { SIZE_PRESETS } from './size-presets.ts';
import { FPS_RANGE } from '../../state/setting-fields.ts';
import { SeedDice } from './SeedDice.tsx';
import { SETTING_HELP } from './setting-help.ts';

/** Model, negative prompt, size, length, steps, guidance, shift, sampler, seed, file format, GPU memory mode and decoder. */
export function GeneratePanel() {
  const settings = useSettingsStore();
  const sizeKey = `${settings.width}x${settings.height}`;
  const hasImage = useStartImageStore((s) => s.image !== null);
  return (
    <section className="panel" aria-labelledby="generate-heading">
      <h2 id="generate-heading">Settings</h2>
      <ModelField />
      <NegativePromptField />
      <div className="fields">
        <div className="field">
          <label htmlFor="size">Size</label>
          <select
            id="size"
            data-testid="size"
            value={sizeKey}
            onChange={(event) => {
              const [width, height] = event.target.value.split('x').map(Number);
              settings.update({ width: width!, height: height! });
            }}
          >
            {SIZE_PRESETS.map((preset) => (
              <option key={preset.label} value={`${preset.width}x${preset.height}`}>
                {preset.label}
              </option>
            ))}
            {!SIZE_PRESETS.some((p) => `${p.width}x${p.height}` === sizeKey) && <option value={sizeKey}>{sizeKey} (custom)</option>}
          </select>
          {hasImage && <span className="hint">With a start image, the video takes the image's shape within this size's area.</span>}
        </div>
        <LengthField />
        <NumberField id="steps" label="Steps" {...SETTING_RANGES.steps} />
        <NumberField id="guidance" label="Guidance" {...SETTING_RANGES.guidance} step={0.5} help={SETTING_HELP.guidance} />
        {/* Shift must be above its minimum: the input starts one step over it. */}
        <NumberField id="shift" label="Shift" min={SETTING_RANGES.shift.min + 0.5} max={SETTING_RANGES.shift.max} step={0.5} help={SETTING_HELP.shift} />
        <div className="field">
          <label htmlFor="sampler">Sampler</label>
          <select
            id="sampler"
            aria-describedby="sampler-help"
            value={settings.sampler}
            onChange={(event) => settings.update({ sampler: event.target.value as Settings['sampler'] })}
          >
            <option value="unipc">UniPC (Wan default)</option>
            <option value="euler">Euler</option>
            <option value="dmd">DMD (FastWan, 3 steps)</option>
          </select>
          <span className="hint" id="sampler-help">
            {SETTING_HELP.sampler}
          </span>
        </div>
        <NumberField id="seed" label="Seed" {...SETTING_RANGES.seed} beside={<SeedDice />} help={SETTING_HELP.seed} />
        <div className="field">
          <label htmlFor="container">Video format</label>
          <select id="container" value={settings.container} onChange={(event) => settings.update({ container: event.target.value as Settings['container'] })}>
            <option value="mp4">MP4</option>
            <option value="webm">WebM</option>
          </select>
        </div>
        <NumberField id="fps" label="Frame rate" {...FPS_RANGE} />
        <MemoryModeField />
        <DecoderField />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={settings.randomSeed} onChange={(event) => settings.update({ randomSeed: event.target.checked })} /> New random seed each time
      </label>
    </section>
  );
}
