import { FPS, SETTING_RANGES } from '../../pipeline/generate/generation-settings.ts';
import { useSettingsStore } from '../../state/settings-store.ts';

/** Whole seconds at 24 fps as Wan counts frames: 4n + 1 (1 s → 25 frames … 5 s → 121). */
const LENGTHS = [1, 2, 3, 4, 5].map((seconds) => ({ seconds, frames: seconds * FPS + 1 })).filter((length) => length.frames <= SETTING_RANGES.frames.max);

/** The clip's length, in seconds or in frames (4n + 1, as the model needs). */
export function LengthField() {
  const frames = useSettingsStore((s) => s.frames);
  const fps = useSettingsStore((s) => s.fps);
  const update = useSettingsStore((s) => s.update);
  const preset = LENGTHS.find((length) => length.frames === frames);
  return (
    <div className="field">
      <label htmlFor="length">Length</label>
      <select id="length" data-testid="length" value={preset ? String(preset.frames) : 'custom'} onChange={(event) => event.target.value !== 'custom' && update({ frames: Number(event.target.value) })}>
        {LENGTHS.map((length) => (
          <option key={length.frames} value={length.frames}>
            {length.seconds} s ({length.frames} frames)
          </option>
        ))}
        {!preset && <option value="custom">{frames} frames</option>}
      </select>
      <label htmlFor="frames">Frames</label>
      <input
        id="frames"
        data-testid="frames"
        type="number"
        min={SETTING_RANGES.frames.min}
        max={SETTING_RANGES.frames.max}
        step={4}
        value={frames}
        aria-describedby="frames-hint"
        onChange={(event) => update({ frames: Number(event.target.value) })}
      />
      <span className="hint" id="frames-hint">
        {(frames / fps).toFixed(2)} s at {fps} fps
      </span>
    </div>
  );
}
