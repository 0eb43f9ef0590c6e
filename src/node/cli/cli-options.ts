import { InvalidInputError } from '../../errors.ts';

/** A numeric option as typed, or `fallback` when it was not given; names the option and the text when it is not a number. */
export function numberOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new InvalidInputError(`--${name} must be a number; got "${text}".`);
  return value;
}

/** A whole-number option of at least `min`, or `fallback` when it was not given. */
export function integerOption(name: string, text: string | undefined, fallback: number, min = 0): number {
  const value = numberOption(name, text, fallback);
  if (!Number.isInteger(value) || value < min) throw new InvalidInputError(`--${name} must be a whole number, ${min} or more; got "${text}".`);
  return value;
}

/** `--size WxH` as [width, height], or `fallback`. */
export function sizeOption(text: string | undefined, fallback: readonly [number, number]): [number, number] {
  if (text === undefined) return [...fallback];
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!match) throw new InvalidInputError(`--size must be WIDTHxHEIGHT in pixels, e.g. 1280x704; got "${text}".`);
  return [Number(match[1]), Number(match[2])];
}

/** An option that takes one of a few words, or `fallback`. */
export function choiceOption<T extends string>(name: string, text: string | undefined, choices: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new InvalidInputError(`--${name} must be one of ${choices.join(', ')}; got "${text}".`);
  return text as T;
}
