import { FPS, SETTING_RANGES } from '../../pipeline/generate/generation-settings.ts';
import { clipLengthText, snapFrames } from '../../state/setting-fields.ts';
import { useSettingsStore } from '../../state/settings-store.ts';
import { SettingInput } from './NumberField.tsx';

/** Whole seconds at 24 fps as Wan counts frames: 4n + 1 (1 s → 25 frames … 5 s → 121). */
const LENGTHS = [1, 2, 3, 4, 5].map((seconds) => ({ seconds, frames: seconds * FPS + 1 })).filter((length) => length.frames <= SETTING_RANGES.frames.max);

/** The clip's length, in seconds or in frames (4n + 1, as the model needs; a count typed in rounds to one when the field is left). */
export function LengthField() {
  const frames = useSettingsStore((s) => s.frames);
  const fps = useSettingsStore((s) => s.fps);
  const update = useSettingsStore((s) => s.update);
  const preset = LENGTHS.find((length) => length.frames === frames);
  const length = clipLengthText(frames, fps);
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
      <SettingInput id="frames" {...SETTING_RANGES.frames} step={4} describedBy={length ? ['frames-hint'] : []} onLeave={snapFrames} />
      {length && (
        <span className="hint" id="frames-hint">
          {length}
        </span>
      )}
    </div>
  );
}
