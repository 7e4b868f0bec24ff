import { ocrRuns, pageBox } from './local.partitioner';
import { applyAffine } from './element';
import { renderedImageToPdf } from './pdfjs.partitioner';
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

describe("regions of an OCR'd page", () => {
  const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');
  /** The viewport of a one-page PDF with an offset media box and the given /Rotate. */
  const viewport = async (rotation: number) => {
    const pdf =
      '%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n' +
      `3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[10 20 622 812]/Rotate ${rotation}>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n`;
    const doc = await pdfjs.getDocument({ data: new TextEncoder().encode(pdf), verbosity: 0 }).promise;
    const vp = (await doc.getPage(1)).getViewport({ scale: 1 });
    await doc.destroy();
    return vp;
  };

  it('maps pixels of a rendered page to user space through its rotation and crop, as pdf.js does', async () => {
    for (const rotation of [0, 90, 180, 270]) {
      const vp = await viewport(rotation);
      expect(vp.rotation).toBe(rotation);
      const [w, h] = [Math.round(vp.width * 3), Math.round(vp.height * 3)];
      const m = renderedImageToPdf(vp, w, h);
      for (const [px, py] of [
        [0, 0],
        [w, h],
        [300, 1200],
      ]) {
        const [ux, uy] = applyAffine(m, px, py);
        const [ex, ey] = vp.convertToPdfPoint((px * vp.width) / w, (py * vp.height) / h);
        expect([ux, uy].map((v) => Math.round(v * 1000) / 1000)).toEqual(
          [ex, ey].map((v) => Math.round(v * 1000) / 1000),
        );
      }
    }
  });

  it("puts a region laid out on a scan (y up on the image's frame) on the page, and none when the scan does not say where its pixels lie", () => {
    const scan = { imageWidth: 1224, imageHeight: 1584, pageWidth: 612, pageHeight: 792 };
    // An embedded scan over a page box offset by (10, 20): its top row is the box's top.
    const imageToPdf: [number, number, number, number, number, number] = [0.5, 0, 0, -0.5, 10, 812];
    expect(pageBox({ ...scan, imageToPdf }, [72, 700, 300, 720])).toEqual([82, 720, 310, 740]);
    expect(pageBox(scan, [72, 700, 300, 720])).toBeUndefined();
  });
});
