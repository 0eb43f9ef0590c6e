import { describe, expect, test } from 'vitest';
import { clipLengthText, fieldProblem, fieldText, fieldValue, settingProblems, snapFrames } from '../../src/state/setting-fields.ts';

const VALID = { frames: 121, steps: 50, guidance: 5, shift: 5, seed: 42, fps: 24 };

describe('each field says what it allows, in plain words', () => {
  test.each([
    ['frames', '6', 'Frames: use 1, 5, 9 … 121 (one more than a multiple of 4). It rounds to the nearest when you leave the field.'],
    ['steps', '0', 'Steps: use a whole number from 1 to 200.'],
    ['steps', '2.5', 'Steps: use a whole number from 1 to 200.'],
    ['guidance', '-3', 'Guidance: use a number from 0 to 30.'],
    ['shift', '0', 'Shift: use a number above 0, up to 50.'],
    ['fps', '0', 'Frame rate: use a whole number from 1 to 60.'],
    ['seed', '', 'Seed is empty: enter a whole number, 0 or more, or press the dice for a random one.'],
    ['seed', '-1', 'Seed: use a whole number, 0 or more.'],
    ['seed', '1e20', 'Seed: use a whole number, 0 or more, up to 9,007,199,254,740,991.'],
    ['steps', 'abc', 'Steps: use a whole number from 1 to 200.'],
  ] as const)('%s "%s"', (field, text, message) => {
    expect(fieldProblem(field, text)).toBe(message);
    expect(fieldValue(field, text)).toBeNull();
  });

  test.each([
    ['frames', '49', 49],
    ['steps', '200', 200],
    ['guidance', '0', 0],
    ['guidance', '7.5', 7.5],
    ['shift', '0.5', 0.5],
    ['seed', '0', 0],
    ['fps', '60', 60],
  ] as const)('%s "%s" is allowed', (field, text, value) => {
    expect(fieldProblem(field, text)).toBeNull();
    expect(fieldValue(field, text)).toBe(value);
  });
});

describe('frames round to 4n + 1 when the field is left', () => {
  test.each([
    ['6', 5],
    ['7', 9], // halfway rounds up
    ['8', 9],
    ['0', 1],
    ['500', 121],
    ['-20', 1],
    ['49', 49],
  ])('%s → %i', (text, frames) => expect(snapFrames(text)).toBe(frames));

  test('nothing typed is left as it is (still marked)', () => expect(snapFrames('')).toBeNull());
});

describe('every problem at once', () => {
  test('all invalid fields are listed, in the panel’s order, from drafts and from stored settings alike', () => {
    const problems = settingProblems({ ...VALID, fps: 0 }, { frames: { text: '6', over: 121 }, steps: { text: '0', over: 50 }, guidance: { text: '-3', over: 5 } });
    expect(problems.map((p) => p.field)).toEqual(['frames', 'steps', 'guidance', 'fps']);
  });

  test('an emptied seed is a problem, not a silent 0', () => {
    expect(settingProblems(VALID, { seed: { text: '', over: 42 } })).toEqual([{ field: 'seed', message: expect.stringContaining('Seed is empty') as string }]);
  });

  test('a draft no longer applies once the setting changed elsewhere (Re-use, a model’s defaults, the dice)', () => {
    const drafts = { seed: { text: '', over: 42 } };
    expect(fieldText(42, drafts.seed)).toBe('');
    expect(fieldText(7, drafts.seed)).toBe('7');
    expect(settingProblems({ ...VALID, seed: 7 }, drafts)).toEqual([]);
  });
});

describe('the clip length under the frames field', () => {
  test('says the seconds at the frame rate', () => expect(clipLengthText(49, 24)).toBe('2.04 s at 24 fps'));
  test('never says "Infinity s at 0 fps"', () => {
    expect(clipLengthText(121, 0)).toBeNull();
    expect(clipLengthText(6, 24)).toBeNull();
  });
});
