import { ocrRuns } from './local.partitioner';
import { OcrLine } from './ocr/ocr-engine';

const scan = { imageWidth: 1000, imageHeight: 2000, pageWidth: 500, pageHeight: 1000 };
const word = (text: string, x0: number, y0: number, x1: number, y1: number) => ({
  text,
  x0,
  y0,
  x1,
  y1,
  confidence: 90,
});

describe('ocrRuns', () => {
  it('joins the words of an upright line a word space apart, in page space (y up)', () => {
    const lines: OcrLine[] = [
      {
        baseline: 120,
        height: 25,
        words: [
          word('Oxygen', 100, 100, 200, 120),
          word('saturation', 210, 100, 360, 120),
          word('92%', 700, 100, 760, 120),
        ],
      },
    ];
    const runs = ocrRuns(scan, lines);
    expect(runs.map((r) => r.str)).toEqual(['Oxygen saturation', '92%']);
    expect(runs[0]).toMatchObject({ x: 50, y: 940, width: 130 });
    expect(runs[0].angle ?? 0).toBe(0);
  });

  it('gives a line that reads down the page (a margin stamp, a page scanned sideways) as a run at 270 degrees', () => {
    const lines: OcrLine[] = [
      {
        baseline: 0,
        height: 400,
        words: [word('Page', 900, 100, 930, 180), word('5', 900, 190, 930, 205), word('of', 900, 215, 930, 245)],
      },
    ];
    const runs = ocrRuns(scan, lines);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ str: 'Page 5 of', angle: 270, y: 950 });
    expect(runs[0].width).toBeCloseTo(72.5, 5);
  });

  it('gives a line that reads up the page as a run at 90 degrees, its words in reading order (the lowest first)', () => {
    const lines: OcrLine[] = [
      { baseline: 0, height: 400, words: [word('Page', 900, 500, 930, 580), word('5', 900, 470, 930, 490)] },
    ];
    expect(ocrRuns(scan, lines)).toEqual([expect.objectContaining({ str: 'Page 5', angle: 90 })]);
  });
});
