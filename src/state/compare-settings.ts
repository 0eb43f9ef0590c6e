import { decoderName } from '../video/decoder-name.ts';
import type { HistoryEntry } from '../video/video-history.ts';

/** One line of a side-by-side comparison: a setting's value in each video, and whether they differ. */
export interface ComparedSetting {
  readonly label: string;
  readonly first: string;
  readonly second: string;
  readonly differs: boolean;
}

const SAMPLERS: Readonly<Record<string, string>> = { unipc: 'UniPC', euler: 'Euler', dmd: 'DMD (few steps)' };

/** What the comparison shows of a video, in the order it shows it. */
function described(entry: HistoryEntry): readonly (readonly [string, string])[] {
  const { settings, model, hasStartImage } = entry.provenance;
  return [
    ['Prompt', settings.prompt || '(no prompt)'],
    ['Negative prompt', settings.negativePrompt === undefined ? "Wan's default" : settings.negativePrompt || '(empty)'],
    ['Start image', hasStartImage ? 'yes' : 'no'],
    ['Size', `${settings.width}×${settings.height}`],
    ['Frames', String(entry.video.frames)],
    ['Frame rate', `${entry.video.fps} fps`],
    ['Sampler', SAMPLERS[settings.sampler] ?? settings.sampler],
    ['Steps', String(settings.steps)],
    ['Guidance', String(settings.guidance)],
    ['Shift', String(settings.shift)],
    ['Seed', String(settings.seed)],
    ['Model', model],
    ['Decoder', decoderName(entry.provenance.decoder)],
    ['File', `${entry.video.codec.toUpperCase()} in ${entry.video.container.toUpperCase()}`],
  ];
}

/** Every setting of two videos side by side, those that differ marked. */
export function compareSettings(first: HistoryEntry, second: HistoryEntry): readonly ComparedSetting[] {
  const other = described(second);
  return described(first).map(([label, value], index) => {
    const otherValue = other[index]![1];
    return { label, first: value, second: otherValue, differs: value !== otherValue };
  });
}

/** The two entries picked for comparing after `id` is picked or unpicked: picking a third lets go of the earliest. */
export function togglePick(picked: readonly string[], id: string): readonly string[] {
  if (picked.includes(id)) return picked.filter((other) => other !== id);
  return [...picked, id].slice(-2);
}
