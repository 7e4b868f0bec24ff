import { OcrEngine, OcrLine } from './ocr-engine';
import { encodeGrayPng } from '../png.encoder';
import { LevellingOcrEngine, lineSkew, StraighteningOcrEngine } from './straightening.ocr-engine';

/** Lines of three words each, every line sloping by `slope` (image y grows downwards). */
function page(slope: number, lines = 4): OcrLine[] {
  return Array.from({ length: lines }, (_, i) => ({
    baseline: 100 + 30 * i,
    height: 20,
    words: [0, 1, 2].map((k) => ({
      text: `w${k}`,
      x0: 100 * k,
      x1: 100 * k + 60,
      y0: 90 + 30 * i + slope * 100 * k,
      y1: 110 + 30 * i + slope * 100 * k,
      confidence: 90,
    })),
  }));
}

const engine = (name: string, lines: OcrLine[]): OcrEngine & { calls: number } => ({
  name,
  calls: 0,
  async recognize() {
    this.calls++;
    return lines;
  },
  close: async () => undefined,
});

describe('StraighteningOcrEngine', () => {
  it('measures the slope of the lines, not of vertical ones', () => {
    expect(lineSkew(page(0.05))).toBeCloseTo(0.05, 5);
    expect(lineSkew(page(0))).toBe(0);
    const vertical: OcrLine[] = [0, 1, 2].map((i) => ({
      baseline: 0,
      height: 300,
      words: [0, 1, 2].map((k) => ({
        text: 'w',
        x0: 50 * i,
        x1: 50 * i + 20,
        y0: 100 * k,
        y1: 100 * k + 80,
        confidence: 90,
      })),
    }));
    expect(lineSkew(vertical)).toBe(0);
  });

  it("keeps the fast engine's reading of an upright page, and has a skewed page read again by the straightening one", async () => {
    const straight = engine('slow', page(0, 1));
    const upright = new StraighteningOcrEngine(engine('fast', page(0.005)), straight);
    expect(await upright.recognize(Buffer.alloc(0))).toEqual(page(0.005));
    expect(straight.calls).toBe(0);
    const skewed = new StraighteningOcrEngine(engine('fast', page(0.05)), straight);
    expect(await skewed.recognize(Buffer.alloc(0))).toEqual(page(0, 1));
    expect(straight.calls).toBe(1);
  });
});

describe('LevellingOcrEngine', () => {
  it('reads the page levelled by its measured slope, at twice the size below 225 dpi, boxes back at the scan size', async () => {
    const seen: Array<{ width: number; dpi?: number }> = [];
    const inner: OcrEngine = {
      name: 'inner',
      recognize: async (png, opts) => {
        seen.push({ width: png.readUInt32BE(16), dpi: opts?.dpi });
        return page(0, 1);
      },
      close: async () => undefined,
    };
    const png = encodeGrayPng(100, 50, new Uint8Array(100 * 50).fill(255));
    const lines = await new LevellingOcrEngine(inner).recognize(png, { dpi: 150, skew: 0.05 });
    expect(seen).toEqual([{ width: 200, dpi: 300 }]);
    expect(lines[0].words[0]).toMatchObject({ x0: 0, x1: 30, y0: 45, y1: 55 });
    await new LevellingOcrEngine(inner).recognize(png, { dpi: 300, skew: 0.05 });
    expect(seen[1]).toEqual({ width: 100, dpi: 300 });
  });
});
