import { describe, expect, test } from 'vitest';
import { frameTiming } from '../../src/video/frame-timing.ts';

// The times VideoWriter gives each encoded frame: frame i starts at i / fps seconds, i.e.
// round(i · 10⁶ / fps) microseconds for WebCodecs, computed from i (never a running sum of
// rounded durations, which drifts 8 µs a second at 24 fps).
describe('frame times', () => {
  test('24 fps: microsecond starts rounded from i / 24, one 41 667 µs duration', () => {
    const starts = [0, 1, 2, 3, 4, 5, 6].map((i) => frameTiming(i, 24).timestampUs);
    expect(starts).toEqual([0, 41_667, 83_333, 125_000, 166_667, 208_333, 250_000]);
    expect(frameTiming(24, 24).timestampUs).toBe(1_000_000);
    expect(frameTiming(120, 24).timestampUs).toBe(5_000_000);
    expect(frameTiming(121, 24).timestampUs).toBe(5_041_667);
    expect(frameTiming(7, 24).durationUs).toBe(41_667);
  });

  test('other rates: exact where 10⁶ / fps is whole, rounded to the nearest microsecond where not', () => {
    expect([0, 1, 2, 3].map((i) => frameTiming(i, 16).timestampUs)).toEqual([0, 62_500, 125_000, 187_500]);
    expect(frameTiming(0, 16).durationUs).toBe(62_500);
    expect([1, 2, 3].map((i) => frameTiming(i, 30).timestampUs)).toEqual([33_333, 66_667, 100_000]);
    expect(frameTiming(1, 30).durationUs).toBe(33_333);
  });

  test('seconds for the muxer: i / fps and 1 / fps, unrounded', () => {
    expect(frameTiming(0, 24)).toEqual({ timestampUs: 0, durationUs: 41_667, timestamp: 0, duration: 1 / 24 });
    expect(frameTiming(12, 24).timestamp).toBe(0.5);
    expect(frameTiming(5, 24).timestamp).toBe(5 / 24);
    expect(frameTiming(3, 16)).toEqual({ timestampUs: 187_500, durationUs: 62_500, timestamp: 0.1875, duration: 0.0625 });
  });
});
