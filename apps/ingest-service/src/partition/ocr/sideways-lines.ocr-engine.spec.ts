import { encodeGrayPng } from '../png.encoder';
import { OcrEngine, OcrLine, OcrOptions, OcrWord } from './ocr-engine';
import { decodeGray, GrayImage } from './gray-image';
import { doubtfulSidewaysLines, SidewaysLinesOcrEngine, turnedCrop, unturnBox } from './sideways-lines.ocr-engine';

const word = (text: string, x0: number, y0: number, x1: number, y1: number, confidence: number): OcrWord => ({
  text,
  x0,
  y0,
  x1,
  y1,
  confidence,
});

/** A line of words stacked down the page at x 100-112 (reading downwards). */
const vertical = (confidence: number, texts = ['abc', 'def', 'ghi']): OcrLine => ({
  baseline: 0,
  height: 12,
  words: texts.map((t, i) => word(t, 100, 20 + 40 * i, 112, 50 + 40 * i, confidence)),
});

const upright = (y: number): OcrLine => ({
  baseline: y + 10,
  height: 12,
  words: [word('one', 10, y, 40, y + 12, 95), word('two', 50, y, 80, y + 12, 95)],
});

describe('doubtfulSidewaysLines', () => {
  it('picks the unsure sideways lines of a mostly upright page', () => {
    const lines = [upright(0), upright(20), upright(40), vertical(30), vertical(95)];
    expect(doubtfulSidewaysLines(lines)).toEqual([3]);
  });

  it('leaves a page scanned sideways to the engine', () => {
    expect(doubtfulSidewaysLines([upright(0), vertical(30), vertical(40)])).toEqual([]);
  });
});

describe('turnedCrop and unturnBox', () => {
  // 4 wide, 3 high, each pixel numbered in reading order.
  const page: GrayImage = { width: 4, height: 3, data: Uint8Array.from({ length: 12 }, (_, i) => i) };
  const box = { x0: 1, y0: 0, x1: 3, y1: 3 };

  it('turns a crop a quarter either way', () => {
    // The crop is columns 1-2: rows [1 2] [5 6] [9 10].
    expect(turnedCrop(page, box, 'cw')).toEqual({ width: 3, height: 2, data: Uint8Array.from([9, 5, 1, 10, 6, 2]) });
    expect(turnedCrop(page, box, 'ccw')).toEqual({ width: 3, height: 2, data: Uint8Array.from([2, 6, 10, 1, 5, 9]) });
  });

  it('puts a box of the turned crop back where its pixels came from', () => {
    // Pixel (0,0) of the clockwise turn is page pixel 9: x 1, y 2.
    expect(unturnBox({ x0: 0, y0: 0, x1: 1, y1: 1 }, box, 'cw')).toEqual({ x0: 1, y0: 2, x1: 2, y1: 3 });
    // Pixel (0,0) of the counter-clockwise turn is page pixel 2: x 2, y 0.
    expect(unturnBox({ x0: 0, y0: 0, x1: 1, y1: 1 }, box, 'ccw')).toEqual({ x0: 2, y0: 0, x1: 3, y1: 1 });
  });

  it('reads back the gray levels of a PNG', () => {
    const png = encodeGrayPng(page.width, page.height, page.data);
    expect(decodeGray(png)).toEqual(page);
  });
});

/** An engine that reads the page as given, and each image of turned crops as one line per crop turned `good`. */
class FakeEngine implements OcrEngine {
  readonly name = 'fake';
  readonly calls: OcrOptions[] = [];

  constructor(
    private readonly page: OcrLine[],
    private readonly good: 'cw' | 'ccw',
  ) {}

  async recognize(png: Buffer, opts: OcrOptions = {}): Promise<OcrLine[]> {
    this.calls.push(opts);
    if (!opts.block) return this.page;
    const img = decodeGray(png);
    // The image of crops: the crop of a line 12 px thick sits 24 px from the top, 24 + 140 px wide.
    const conf = (this.calls.length === 2) === (this.good === 'cw') ? 96 : 10;
    return [
      {
        baseline: 0,
        height: 12,
        words: [word('Health', 24, 26, 80, 34, conf), word('Research', 90, 26, 160, 34, conf)],
      },
      // A piece of a neighbouring line caught in the margin, far from the crop's middle.
      { baseline: 0, height: 4, words: [word('xx', 24, img.height - 4, 40, img.height, 0)] },
    ];
  }

  close = async () => undefined;
}

describe('SidewaysLinesOcrEngine', () => {
  const png = encodeGrayPng(300, 300, new Uint8Array(300 * 300).fill(255));

  it('replaces an unsure sideways line by the surer reading of its turned crop, boxes on the page', async () => {
    const page = [upright(200), upright(220), upright(240), vertical(20)];
    const inner = new FakeEngine(page, 'ccw');
    const lines = await new SidewaysLinesOcrEngine(inner).recognize(png, { dpi: 150 });
    expect(inner.calls).toEqual([{ dpi: 150 }, { dpi: 150, block: true }, { dpi: 150, block: true }]);
    expect(lines.slice(0, 3)).toEqual(page.slice(0, 3));
    expect(lines[3].words.map((w) => [w.text, w.confidence])).toEqual([
      ['Health', 96],
      ['Research', 96],
    ]);
    // Counter-clockwise: along the turned crop is down the page, so the words stack downwards in the line's column.
    const [a, b] = lines[3].words;
    expect(a.y0).toBeLessThan(b.y0);
    for (const w of [a, b]) {
      expect(w.x0).toBeGreaterThanOrEqual(97);
      expect(w.x1).toBeLessThanOrEqual(115);
    }
  });

  it('keeps the first reading when no turn is surer', async () => {
    const page = [upright(200), upright(220), upright(240), vertical(90 - 1)];
    const inner = new FakeEngine(page, 'cw');
    // 89 is sure enough: not read again.
    expect(await new SidewaysLinesOcrEngine(inner).recognize(png)).toEqual(page);
    expect(inner.calls).toHaveLength(1);
    const unsure = [upright(200), upright(220), upright(240), vertical(70)];
    const weak = new FakeEngine(unsure, 'cw');
    // Readings of 96 (one turn) beat 70 + 10; replaced. A reading of 10 would not have.
    expect((await new SidewaysLinesOcrEngine(weak).recognize(png))[3].words[0].text).toBe('Health');
  });
});
