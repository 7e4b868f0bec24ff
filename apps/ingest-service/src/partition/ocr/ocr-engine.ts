/** One recognised word: its text and box in image pixels (y grows downwards), with a 0-100 confidence. */
export interface OcrWord {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  confidence: number;
}

/** A recognised line: its words, and its baseline and height in image pixels. */
export interface OcrLine {
  words: OcrWord[];
  baseline: number;
  height: number;
}

/** What the caller knows of the image: its resolution, from the page box it covers (an engine may ignore it). */
export interface OcrOptions {
  dpi?: number;
  /** The image is lines of text in one block, not a page to lay out (an engine may lay it out anyway). */
  block?: boolean;
  /** How much the lines of the image slope (dy/dx, y down), as a first reading measured it. */
  skew?: number;
}

/** Port: text out of a page image (PNG). */
export interface OcrEngine {
  readonly name: string;
  recognize(png: Buffer, opts?: OcrOptions): Promise<OcrLine[]>;
  close(): Promise<void>;
}

export const OCR_ENGINE = Symbol('OCR_ENGINE');
