import { secondsUntilFree } from './rate-limit.guard';

describe('secondsUntilFree (sliding one-minute window)', () => {
  it('is 0 while the weighted count is under the limit', () => {
    expect(secondsUntilFree(10, 4, 8, 0.5)).toBe(0);
  });

  it('waits for the previous minute to fade enough when this minute is under the limit', () => {
    // 10 = floor(12 * 0.5) + 4 at half past: free once 12 * (1 - f) < 6, i.e. f > 0.5, so right away...
    expect(secondsUntilFree(10, 4, 12, 0.5)).toBeCloseTo(0, 5);
    // ...and with 20 from the previous minute: 20 * (1 - f) < 6 once f > 0.7, 12 s after half past.
    expect(secondsUntilFree(10, 4, 20, 0.5)).toBeCloseTo(12, 5);
  });

  it('waits into the next minute when this minute alone has used the limit', () => {
    // 10 used at 15 s past: 45 s to the end of the minute, then 10 * (1 - g) < 10 for any g > 0.
    expect(secondsUntilFree(10, 10, 0, 0.25)).toBeCloseTo(45, 5);
    // 20 used: half of the next minute must pass too.
    expect(secondsUntilFree(10, 20, 0, 0.25)).toBeCloseTo(75, 5);
  });
});
