import { encodeGrayPng } from '../png.encoder';
import { lineDirection } from '../word-direction';
import { decodeGray, GrayImage } from './gray-image';
import { OcrEngine, OcrLine, OcrOptions, OcrWord } from './ocr-engine';

/** A sideways line whose words average below this confidence is read again (tesseract's upside-down reads scored 0-79, right way round 90 and up). */
const DOUBTFUL = 80;
/** A reading of a turned crop replaces the first one only when surer by this much. */
const SURER = 10;
/** White space around each crop in the image of crops, in pixels. */
const GAP = 24;

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

type Turn = 'cw' | 'ccw';

export const meanConfidence = (words: OcrWord[]): number =>
  words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;

/**
 * Lines set sideways (two or more stacked words, or one tall word) that the engine was unsure of,
 * on a page where they are the few (margin stamps, a running header up the side): tesseract reads
 * a page scanned sideways the right way round, and its weaker lines there are misreads, not turns.
 */
export function doubtfulSidewaysLines(lines: OcrLine[]): number[] {
  const sideways = lines.flatMap((l, i) => {
    const dir = lineDirection(l.words);
    return dir !== 0 && dir !== 'either' ? [i] : [];
  });
  if (2 * sideways.length >= lines.length) return [];
  return sideways.filter((i) => meanConfidence(lines[i].words) < DOUBTFUL);
}

/** The part of the page inside `box`, turned a quarter clockwise or counter-clockwise. */
export function turnedCrop(page: GrayImage, box: Box, turn: Turn): GrayImage {
  const [w, h] = [box.x1 - box.x0, box.y1 - box.y0];
  const data = new Uint8Array(w * h);
  // The turned image is h wide and w high.
  for (let Y = 0; Y < w; Y++)
    for (let X = 0; X < h; X++) {
      const [x, y] = turn === 'cw' ? [Y, h - 1 - X] : [w - 1 - Y, X];
      data[Y * h + X] = page.data[(box.y0 + y) * page.width + box.x0 + x];
    }
  return { width: h, height: w, data };
}

/** A box in a turned crop (x along the text, y across it) back in the page's frame. */
export function unturnBox(b: Box, crop: Box, turn: Turn): Box {
  const [w, h] = [crop.x1 - crop.x0, crop.y1 - crop.y0];
  return turn === 'cw'
    ? { x0: crop.x0 + b.y0, x1: crop.x0 + b.y1, y0: crop.y0 + h - b.x1, y1: crop.y0 + h - b.x0 }
    : { x0: crop.x0 + w - b.y1, x1: crop.x0 + w - b.y0, y0: crop.y0 + b.x0, y1: crop.y0 + b.x1 };
}

/** The crops one above the other on white, each `GAP` from the edges and from the next; where each starts. */
function stack(crops: GrayImage[]): { image: GrayImage; tops: number[] } {
  const width = Math.max(...crops.map((c) => c.width)) + 2 * GAP;
  const tops: number[] = [];
  let height = GAP;
  for (const c of crops) {
    tops.push(height);
    height += c.height + GAP;
  }
  const data = new Uint8Array(width * height).fill(255);
  crops.forEach((c, i) => {
    for (let y = 0; y < c.height; y++)
      data.set(c.data.subarray(y * c.width, (y + 1) * c.width), (tops[i] + y) * width + GAP);
  });
  return { image: { width, height, data }, tops };
}

/**
 * Tesseract turns a line set sideways the wrong way round about as often as not (a journal's
 * running header up the margin of a landscape page came out as "U/p1/€969-ZZP", confidence 0).
 * Such lines, cut out of the page, are read again turned each way, all of a page's in one image
 * per turn; a line keeps whichever reading is surest, its word boxes back in the page's frame.
 */
export class SidewaysLinesOcrEngine implements OcrEngine {
  readonly name: string;

  constructor(private readonly inner: OcrEngine) {
    this.name = inner.name;
  }

  async recognize(png: Buffer, opts: OcrOptions = {}): Promise<OcrLine[]> {
    const lines = await this.inner.recognize(png, opts);
    const doubtful = doubtfulSidewaysLines(lines);
    if (!doubtful.length) return lines;
    const page = decodeGray(png);
    const boxes = doubtful.map((i) => cropBox(lines[i], page));
    const best = doubtful.map((i) => ({ words: lines[i].words, confidence: meanConfidence(lines[i].words) + SURER }));
    for (const turn of ['cw', 'ccw'] as const) {
      const { image, tops } = stack(boxes.map((b) => turnedCrop(page, b, turn)));
      const read = await this.inner.recognize(encodeGrayPng(image.width, image.height, image.data), {
        ...opts,
        block: true,
      });
      boxes.forEach((box, k) => {
        // The crop's margin can hold a piece of the next line: the line read nearest its middle is the one.
        const middle = tops[k] + (box.x1 - box.x0) / 2;
        const offset = (l: OcrLine) => Math.abs(lineMiddle(l) - middle);
        const nearest = read
          .filter((l) => offset(l) < (box.x1 - box.x0 + GAP) / 2)
          .sort((a, b) => offset(a) - offset(b))[0];
        const words = [...(nearest?.words ?? [])]
          .sort((a, b) => a.x0 - b.x0)
          .map((w) => ({
            ...w,
            ...unturnBox({ x0: w.x0 - GAP, x1: w.x1 - GAP, y0: w.y0 - tops[k], y1: w.y1 - tops[k] }, box, turn),
          }));
        const confidence = meanConfidence(words);
        if (words.length && confidence > best[k].confidence) best[k] = { words, confidence };
      });
    }
    const out = [...lines];
    doubtful.forEach((i, k) => (out[i] = { ...lines[i], words: best[k].words }));
    return out;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function lineMiddle(l: OcrLine): number {
  return (Math.min(...l.words.map((w) => w.y0)) + Math.max(...l.words.map((w) => w.y1))) / 2;
}

/** The line's box with a margin (a quarter of its thickness across, half along), inside the page. */
function cropBox(line: OcrLine, page: GrayImage): Box {
  const x0 = Math.min(...line.words.map((w) => w.x0));
  const x1 = Math.max(...line.words.map((w) => w.x1));
  const y0 = Math.min(...line.words.map((w) => w.y0));
  const y1 = Math.max(...line.words.map((w) => w.y1));
  const thick = x1 - x0;
  const [across, along] = [Math.ceil(thick / 4), Math.ceil(thick / 2)];
  // Whole pixels: an engine may give boxes in fractions of one.
  return {
    x0: Math.max(0, Math.floor(x0 - across)),
    x1: Math.min(page.width, Math.ceil(x1 + across)),
    y0: Math.max(0, Math.floor(y0 - along)),
    y1: Math.min(page.height, Math.ceil(y1 + along)),
  };
}
