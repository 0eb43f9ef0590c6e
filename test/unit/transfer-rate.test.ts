import { describe, expect, test } from 'vitest';
import { TransferRate } from '../../src/model/transfer-rate.ts';

describe('transfer rate and ETA', () => {
  test('measures the rate of new bytes only (resumed bytes are not speed) and the time left at it', () => {
    let now = 0;
    const rate = new TransferRate(400, 1400, () => now);
    expect(rate.progress()).toEqual({ doneBytes: 400, totalBytes: 1400, bytesPerSecond: null, etaSeconds: null });
    for (let i = 0; i < 4; i++) {
      now += 1000;
      rate.add(100);
    }
    expect(rate.progress()).toEqual({ doneBytes: 800, totalBytes: 1400, bytesPerSecond: 100, etaSeconds: 6 });
  });

  test('forgets samples older than its window, so a speed change shows within seconds', () => {
    let now = 0;
    const rate = new TransferRate(0, 1e6, () => now);
    for (let i = 0; i < 10; i++) {
      now += 1000;
      rate.add(1000);
    }
    for (let i = 0; i < 10; i++) {
      now += 1000;
      rate.add(10_000);
    }
    expect(rate.progress().bytesPerSecond).toBeCloseTo(10_000, -2);
  });

  test('dropped bytes (a file that failed verification) count back', () => {
    let now = 0;
    const rate = new TransferRate(0, 100, () => now);
    now += 1000;
    rate.add(60);
    rate.add(-60);
    expect(rate.progress().doneBytes).toBe(0);
  });
});
