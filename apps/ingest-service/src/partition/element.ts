import { SourceType } from '@rag/contracts';

export type ElementKind = 'title' | 'text' | 'list_item' | 'table' | 'image';

/** Where on its page an element's text lies: x0, y0, x1, y1 in PDF user space (points, y up), as pdf.js gives text. */
export type Box = [number, number, number, number];

/** x' = a x + c y + e, y' = b x + d y + f (PDF's order). */
export type Affine = [number, number, number, number, number, number];

export const applyAffine = ([a, b, c, d, e, f]: Affine, x: number, y: number): [number, number] => [
  a * x + c * y + e,
  b * x + d * y + f,
];

/** The map that undoes it. */
export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
  const det = a * d - b * c;
  return [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det];
}

/** First `first`, then `then`. */
export function composeAffine(first: Affine, then: Affine): Affine {
  const [a1, b1, c1, d1, e1, f1] = first;
  const [a2, b2, c2, d2, e2, f2] = then;
  return [
    a2 * a1 + c2 * b1,
    b2 * a1 + d2 * b1,
    a2 * c1 + c2 * d1,
    b2 * c1 + d2 * d1,
    a2 * e1 + c2 * f1 + e2,
    b2 * e1 + d2 * f1 + f2,
  ];
}

/** The smallest box holding all of them. */
export function unionBox(boxes: Array<Box | undefined>): Box | undefined {
  const all = boxes.filter((b): b is Box => !!b);
  if (!all.length) return undefined;
  return [
    Math.min(...all.map((b) => b[0])),
    Math.min(...all.map((b) => b[1])),
    Math.max(...all.map((b) => b[2])),
    Math.max(...all.map((b) => b[3])),
  ];
}

/** One piece of a document in reading order; the page is 1-based. */
export interface Element {
  kind: ElementKind;
  text: string;
  /** Tables only: the table as HTML, header row kept. */
  html?: string;
  /** Tables only: the cell texts, the header rows first. */
  rows?: string[][];
  /** Tables only: how many of the rows are the header. */
  headerRows?: number;
  page: number;
  /** Titles only: how large the heading is (font size, or 7 - level for h1…h6), which says which headings it is under. */
  size?: number;
  /** Paragraph continues from the previous page (no sentence end before the break). */
  continued?: boolean;
  /** Its region of the page, where the layout knows it (upright text of a PDF page or an OCR'd page image). */
  box?: Box;
}

/** Whether a paragraph ends its sentence (a full stop, ? or !, a colon or semicolon, a closing bracket or quote). */
export function endsSentence(text: string): boolean {
  return /[.!?:;)"”]$/.test(text);
}

export interface PartitionInput {
  bytes: Buffer;
  sourceType: SourceType;
  filename: string;
}

/** An embedded image decoded for a vision model (local partitioner). */
export interface ExtractedImage {
  page: number;
  mime: string;
  base64: string;
  width: number;
  height: number;
  /** Text of the same page, as context for the description. */
  caption: string;
}

/** Something the partitioner could not read, reported with the task instead of dropped silently. */
export interface PartitionWarning {
  page: number;
  code: 'PAGE_UNREADABLE' | 'PAGE_WITHOUT_TEXT';
  message: string;
}

/** A page with no text layer, as the image to read it from (local partitioner, when OCR is on). */
export interface OcrPage {
  page: number;
  png: Buffer;
  /** Image pixels and the page box it covers (PDF points), to place the words. */
  imageWidth: number;
  imageHeight: number;
  pageWidth: number;
  pageHeight: number;
  /** Image pixels (origin top left) to PDF user space, as an affine map [a, b, c, d, e, f]: where its words are on the page. */
  imageToPdf?: Affine;
  /**
   * The page has a text layer too: OCR replaces it always (OCR=force), or only when OCR reads more
   * like words (a layer that looks like glyph codes); without this the page had no text.
   */
  replaces?: 'always' | 'if-better';
}

/** The resolution of a page's image: its pixels across the page's width in inches. */
export function scanDpi(scan: Pick<OcrPage, 'imageWidth' | 'pageWidth'>): number {
  return (72 * scan.imageWidth) / scan.pageWidth;
}

export interface PartitionResult {
  pages: number;
  elements: Element[];
  /** Pages that could not be read, or that had no text, with the reason. */
  warnings?: PartitionWarning[];
  /** Running header/footer lines removed (recognised as repeated on most pages). */
  repeatedLinesDropped?: number;
  imagesFound: number;
  imagesSkipped: number;
  /** Decoded images, when asked for; the partitioner turns them into `image` elements. */
  images?: ExtractedImage[];
  /** Pages to OCR, when asked for. */
  ocrPages?: OcrPage[];
  /** Pages whose text came from OCR, and the mean word confidence (0-100), of all and of each page. */
  ocr?: { pages: number[]; confidence: number; pageConfidence: Record<number, number> };
}

/** Pages read so far; with stage `ocr`, pages OCR'd of those that need it. */
export type PageProgress = (pagesDone: number, pagesTotal: number, stage?: 'ocr') => void;

/** Port: turns a document's bytes into elements. */
export interface Partitioner {
  readonly name: string;
  partition(input: PartitionInput, progress: PageProgress): Promise<PartitionResult>;
  /** Releases workers or connections at shutdown. */
  close?(): Promise<void>;
}

export const PARTITIONER = Symbol('PARTITIONER');
