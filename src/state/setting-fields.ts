import { SETTING_RANGES } from '../pipeline/generate/generation-settings.ts';
import type { Settings } from './settings-store.ts';

/** The settings typed into number fields, each checked as it is typed. */
export type CheckedField = 'frames' | 'steps' | 'guidance' | 'shift' | 'seed' | 'fps';

/** In the order the settings panel shows them. */
export const CHECKED_FIELDS: readonly CheckedField[] = ['frames', 'steps', 'guidance', 'shift', 'seed', 'fps'];

/** The frame rates the video file can take. */
export const FPS_RANGE = { min: 1, max: 60 } as const;

interface FieldRule {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly whole: boolean;
  /** The minimum itself is not allowed (shift 0 would stall the sampler). */
  readonly aboveMin?: boolean;
  /** Frames are one more than a multiple of 4 (the VAE packs 4 frames into each latent frame after the first). */
  readonly fourPlusOne?: boolean;
  /** Said after what is allowed, when the field is empty. */
  readonly whenEmpty?: string;
  /** The maximum is too large to matter (the seed's 2^53 − 1): it is named only to a value above it. */
  readonly openEnded?: boolean;
}

const RULES: Record<CheckedField, FieldRule> = {
  frames: { label: 'Frames', ...SETTING_RANGES.frames, whole: true, fourPlusOne: true },
  steps: { label: 'Steps', ...SETTING_RANGES.steps, whole: true },
  guidance: { label: 'Guidance', ...SETTING_RANGES.guidance, whole: false },
  shift: { label: 'Shift', ...SETTING_RANGES.shift, whole: false, aboveMin: true },
  seed: { label: 'Seed', ...SETTING_RANGES.seed, whole: true, whenEmpty: ', or press the dice for a random one', openEnded: true },
  fps: { label: 'Frame rate', ...FPS_RANGE, whole: true },
};

const number = (value: number) => value.toLocaleString('en-US');

/** What a field takes, in words: "a whole number from 1 to 200"; `value`, when given, is what was typed. */
function allowed(rule: FieldRule, value: number | null = null): string {
  if (rule.fourPlusOne) return `1, 5, 9 … ${rule.max} (one more than a multiple of 4)`;
  const kind = rule.whole ? 'a whole number' : 'a number';
  if (rule.openEnded) return `${kind}, ${number(rule.min)} or more${value !== null && value > rule.max ? `, up to ${number(rule.max)}` : ''}`;
  return rule.aboveMin ? `${kind} above ${number(rule.min)}, up to ${number(rule.max)}` : `${kind} from ${number(rule.min)} to ${number(rule.max)}`;
}

/** The number typed into a field, or null when it is empty or not a number. */
function parse(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function fits(rule: FieldRule, value: number): boolean {
  if (rule.whole && !Number.isInteger(value)) return false;
  if (value > rule.max || value < rule.min || (rule.aboveMin && value === rule.min)) return false;
  return !rule.fourPlusOne || (value - 1) % 4 === 0;
}

/** What is wrong with a field's text, in plain words, or null when it holds an allowed value. */
export function fieldProblem(field: CheckedField, text: string): string | null {
  const rule = RULES[field];
  if (text.trim() === '') return `${rule.label} is empty: enter ${allowed(rule)}${rule.whenEmpty ?? ''}.`;
  const value = parse(text);
  if (value !== null && fits(rule, value)) return null;
  return `${rule.label}: use ${allowed(rule, value)}.${rule.fourPlusOne ? ' It rounds to the nearest when you leave the field.' : ''}`;
}

/** The allowed value a field's text holds, or null. */
export function fieldValue(field: CheckedField, text: string): number | null {
  return fieldProblem(field, text) === null ? parse(text) : null;
}

/** Frames rounded to the nearest allowed count (4n + 1, within range), as the field does when left; null when no number was typed. */
export function snapFrames(text: string): number | null {
  const value = parse(text);
  if (value === null) return null;
  const { min, max } = SETTING_RANGES.frames;
  return Math.min(max, Math.max(min, 1 + 4 * Math.round((value - 1) / 4)));
}

/**
 * A field's text while it holds no allowed value (the setting keeps its last allowed one),
 * with the value it was typed over: when the setting changes from elsewhere (Re-use, a model's
 * defaults, the dice), the draft no longer applies.
 */
export interface FieldDraft {
  readonly text: string;
  readonly over: number;
}

export type FieldDrafts = Partial<Record<CheckedField, FieldDraft>>;

/** The text a field shows: its draft while that still applies, else the setting. */
export function fieldText(value: number, draft: FieldDraft | undefined): string {
  return draft && Object.is(draft.over, value) ? draft.text : String(value);
}

export interface SettingProblem {
  readonly field: CheckedField;
  readonly message: string;
}

/** Every checked field that holds no allowed value (a draft, or a setting stored or re-used out of range), in panel order. */
export function settingProblems(settings: Pick<Settings, CheckedField>, drafts: FieldDrafts): SettingProblem[] {
  return CHECKED_FIELDS.flatMap((field) => {
    const message = fieldProblem(field, fieldText(settings[field], drafts[field]));
    return message === null ? [] : [{ field, message }];
  });
}

/** "2.04 s at 24 fps" for the frames field's hint; null while either number is not an allowed one. */
export function clipLengthText(frames: number, fps: number): string | null {
  if (fieldProblem('frames', String(frames)) !== null || fieldProblem('fps', String(fps)) !== null) return null;
  return `${(frames / fps).toFixed(2)} s at ${fps} fps`;
}
