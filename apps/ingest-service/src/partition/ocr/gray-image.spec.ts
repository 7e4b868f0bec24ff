import { GrayImage, levelled, profileSkew } from './gray-image';

/** White 400×200 with three dark lines 3 px thick sloping by `slope` (y down), 50 px apart. */
function sloped(slope: number): GrayImage {
  const [width, height] = [400, 200];
  const data = new Uint8Array(width * height).fill(255);
  for (const y0 of [50, 100, 150])
    for (let x = 20; x < 380; x++)
      for (let t = 0; t < 3; t++) data[(Math.round(y0 + slope * (x - 200)) + t) * width + x] = 0;
  return { width, height, data };
}

/** Rows holding dark pixels. */
const darkRows = (img: GrayImage) =>
  new Set(
    Array.from({ length: img.height }, (_, y) => y).filter((y) =>
      img.data.subarray(y * img.width, (y + 1) * img.width).some((v) => v < 128),
    ),
  );

describe('profileSkew and levelled', () => {
  it("finds the lines' slope near a rough guess", () => {
    // Within a step or two (0.0005 each) of the true slope, well away from the guess.
    expect(Math.abs(profileSkew(sloped(0.05), 0.045) - 0.05)).toBeLessThanOrEqual(0.001);
    expect(Math.abs(profileSkew(sloped(-0.03), -0.035) + 0.03)).toBeLessThanOrEqual(0.001);
  });

  it('levels the lines: each lies on a few rows again, as when drawn level', () => {
    expect(darkRows(sloped(0.05)).size).toBeGreaterThan(50);
    const level = levelled(sloped(0.05), 0.05);
    expect(darkRows(level).size).toBeLessThanOrEqual(3 * 5);
    expect(darkRows(levelled(sloped(0), 0)).size).toBe(9);
  });

  it('enlarges while levelling', () => {
    const big = levelled(sloped(0), 0, 2);
    expect([big.width, big.height]).toEqual([800, 400]);
    expect(Math.min(...darkRows(big))).toBeGreaterThanOrEqual(99);
  });
});
