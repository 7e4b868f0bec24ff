import { DomainError } from '@rag/platform';
import {
  Affine,
  applyAffine,
  composeAffine,
  Element,
  endsSentence,
  invertAffine,
  ExtractedImage,
  OcrPage,
  PageProgress,
  PartitionResult,
  PartitionWarning,
  scanDpi,
} from './element';
import { dropRepeatedMargins } from './page-margins';
import { encodePng, RawImage } from './png.encoder';
import { continueTables, documentBodySize, layoutPage, mayHoldTable, Rule, TextRun } from './page-layout';
import { readTextLayer, renderPage, TextLayerPage } from './poppler.text-layer';
import { dingbatGlyphs, hasDingbatCodes, replaceDingbats } from './dingbats';
import { garbledText } from './text-quality';

// pdf.js looks for a canvas to polyfill these rendering classes and logs a warning without one;
// text extraction never renders, so inert stand-ins keep the logs clean.
const g = globalThis as Record<string, unknown>;
g.DOMMatrix ??= class DOMMatrix {};
g.Path2D ??= class Path2D {};
// pdf.js 3 ships a CommonJS build; only this file loads it.
const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');

export interface PdfOptions {
  countImages: boolean;
  /** Decode embedded images (for a vision model): only those at least `minSide` px on both sides, at most `max`. */
  extractImages?: { minSide: number; max: number };
  /** Return the image of pages without a text layer (at most this many), to be OCR'd. */
  ocrPages?: number;
  /** Return the image of every page (within `ocrPages`), its OCR to replace the text layer (OCR=force). */
  ocrForce?: boolean;
  /** Resolution pages are drawn at for OCR when poppler can draw them (a scan's own pixels otherwise). */
  ocrDpi?: number;
  /**
   * Where the text comes from: poppler's text layer (pdf.js then reads only the ruling lines of pages
   * that may hold a table, and pages without text), or pdf.js alone; pdf.js whenever poppler
   * refuses a file.
   */
  textLayer?: 'poppler' | 'pdfjs';
  /** Deadline of the text layer's process: the caller's own deadline, so the process never outlives the parse. */
  textLayerTimeoutMs?: number;
}

const TEXT_LAYER_TIMEOUT_MS = 120_000;

/** PDF → elements: positioned text per page (poppler's text layer, or pdf.js), laid out by `layoutPage`. */
export async function partitionPdf(bytes: Buffer, opts: PdfOptions, progress: PageProgress): Promise<PartitionResult> {
  if (bytes.length < 5 || bytes.subarray(0, 1024).indexOf('%PDF-') < 0) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'file is not a PDF (no %PDF- header)');
  }
  const tasks: Array<ReturnType<typeof pdfjs.getDocument>> = [];
  const open = (images: boolean) => {
    const task = pdfjs.getDocument({
      data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
      stopAtErrors: false,
      // Reading only ruling lines, images are skipped before they are decoded (most of an operator list's cost).
      maxImageSize: images ? -1 : 1,
    });
    tasks.push(task);
    return task.promise;
  };
  // No deadline here: pdf.js can spin synchronously, so the caller runs this in a worker it can kill.
  try {
    const layer =
      opts.textLayer === 'poppler'
        ? await readTextLayer(bytes, opts.textLayerTimeoutMs ?? TEXT_LAYER_TIMEOUT_MS)
        : null;
    // Where poppler may read the file it can also draw a page for OCR.
    const render: Render | undefined =
      opts.textLayer === 'poppler'
        ? {
            dpi: opts.ocrDpi ?? OCR_DPI,
            page: (page, dpi) => renderPage(bytes, page, dpi, opts.textLayerTimeoutMs ?? TEXT_LAYER_TIMEOUT_MS),
          }
        : undefined;
    const result = await read(
      open,
      progress,
      opts.extractImages,
      opts.ocrPages ?? 0,
      Array.isArray(layer) ? layer : null,
      render,
      opts.ocrForce ?? false,
    );
    if (opts.countImages) result.imagesFound = countImageXObjects(bytes);
    return result;
  } catch (err) {
    throw toDomainError(err);
  } finally {
    await Promise.all(tasks.map((t) => t.destroy().catch(() => undefined)));
  }
}

type PdfDocument = Awaited<ReturnType<typeof pdfjs.getDocument>['promise']>;

async function read(
  open: (images: boolean) => Promise<PdfDocument>,
  progress: PageProgress,
  extract: PdfOptions['extractImages'],
  maxOcrPages: number,
  layer: TextLayerPage[] | null,
  render?: Render,
  ocrForce = false,
): Promise<PartitionResult> {
  // With poppler's text layer, pdf.js opens the document only when a page needs it, and without
  // its images when only ruling lines are wanted.
  let full: Promise<PdfDocument> | undefined;
  let vector: Promise<PdfDocument> | undefined;
  const doc = () => (full ??= open(true));
  const rulesDoc = () => (vector ??= open(false));
  const total = layer ? layer.length : (await doc()).numPages;
  if (total === 0) throw new DomainError('DOCUMENT_UNREADABLE', 'PDF has no pages');
  const pageRuns: TextRun[][] = [];
  const pageRules: Rule[][] = [];
  const images: ExtractedImage[] = [];
  const warnings: PartitionWarning[] = [];
  const ocrPages: OcrPage[] = [];
  for (let p = 1; p <= total; p++) {
    try {
      const known = layer?.[p - 1];
      let runs = known?.runs ?? [];
      const hasText = runs.some((r) => r.str.trim());
      // Ruling lines justify a table whose cells are long; the operator list is costly, so only pages that may hold one are asked.
      const wantRules = !known || mayHoldTable(runs);
      if (known && hasText && wantRules && !extract) {
        const page = await (await rulesDoc()).getPage(p);
        pageRuns.push(runs);
        pageRules.push(inLayerFrame(await rulesOf(page), page, known));
        page.cleanup();
      } else if (!known || !hasText || extract) {
        const page = await (await doc()).getPage(p);
        if (!known || !hasText) runs = await textRuns(page);
        pageRuns.push(runs);
        const rules = wantRules && mayHoldTable(runs) ? await rulesOf(page) : [];
        pageRules.push(known && hasText ? inLayerFrame(rules, page, known) : rules);
        const paints = runs.some((r) => r.str.trim()) ? null : await pagePaints(page);
        if (paints) {
          let scan: OcrPage | null = null;
          let failure = paints === 'image' ? 'its image could not be decoded' : 'poppler could not draw it';
          if (ocrPages.length < maxOcrPages) {
            scan = paints === 'image' ? await pageScan(page, p) : null;
            // The page as poppler draws it at OCR resolution when the scan's own is far from it (scans are
            // often 150 dpi, where tesseract loses decimal points: "97.9" read "979"). Text drawn as shapes,
            // an image mask, an image pdf.js cannot decode: only poppler's drawing has them.
            const dpi = scan ? scanDpi(scan) : 0;
            if (render && (dpi < 0.9 * render.dpi || dpi > 1.5 * render.dpi))
              scan =
                (await renderedScan(page, p, render).catch((err: Error) => ((failure = err.message), null))) ?? scan;
          }
          if (scan) ocrPages.push(scan);
          const why =
            maxOcrPages === 0
              ? 'OCR is off'
              : scan
                ? "to be OCR'd"
                : ocrPages.length >= maxOcrPages
                  ? `over the OCR limit of ${maxOcrPages} pages`
                  : failure;
          warnings.push({
            page: p,
            code: 'PAGE_WITHOUT_TEXT',
            message: `page ${p} ${paints === 'image' ? 'is an image' : 'is drawn'} without a text layer: ${scan ? why : `its text was not read (${why})`}`,
          });
        }
        if (extract && images.length < extract.max) images.push(...(await pageImages(page, p, extract, runs)));
        page.cleanup();
      } else {
        pageRuns.push(runs);
        pageRules.push([]);
      }
      if (pageRuns[p - 1].some((r) => hasDingbatCodes(r.str))) {
        const page = await (await (full ?? (layer ? rulesDoc() : doc()))).getPage(p);
        const glyphs = await dingbatsOf(page);
        pageRuns[p - 1] = pageRuns[p - 1].map((r) => ({ ...r, str: replaceDingbats(r.str, glyphs) }));
        page.cleanup();
      }
      // A page with text is OCR'd too when asked (OCR=force) or when its text looks like glyph codes;
      // with OCR off or its page limit reached, the text is not looked at again.
      const text = ocrPages.length < maxOcrPages ? pageRuns[p - 1].map((r) => r.str).join(' ') : '';
      const replaces = !text.trim() ? null : ocrForce ? 'always' : garbledText(text) ? 'if-better' : null;
      if (replaces) {
        const page = await (render ? rulesDoc() : doc()).then((d) => d.getPage(p));
        const scan = render
          ? await renderedScan(page, p, render).catch(() => null)
          : ocrForce
            ? await pageScan(page, p)
            : null;
        if (scan) ocrPages.push({ ...scan, replaces });
        page.cleanup();
      }
    } catch (err) {
      pageRuns.length = p - 1;
      pageRuns.push(layer?.[p - 1]?.runs ?? []);
      pageRules.length = p - 1;
      pageRules.push([]);
      if (!pageRuns[p - 1].length)
        warnings.push({
          page: p,
          code: 'PAGE_UNREADABLE',
          message: `page ${p} could not be read: ${(err as Error).message}`,
        });
    }
    if (p % 5 === 0 || p === total) progress(p, total);
  }
  if (warnings.filter((w) => w.code === 'PAGE_UNREADABLE').length === total)
    throw new DomainError('DOCUMENT_UNREADABLE', `no page of the PDF could be read: ${warnings[0].message}`);
  const margins = dropRepeatedMargins(pageRuns);
  const bodySize = documentBodySize(margins.pages);
  const laid: Element[] = [];
  margins.pages.forEach((runs, i) => {
    const pageElements = layoutPage(runs, i + 1, pageRules[i], bodySize);
    if (pageElements.length && laid.length) {
      const prev = laid[laid.length - 1];
      const first = pageElements[0];
      if (prev.kind === 'text' && first.kind === 'text' && !endsSentence(prev.text)) first.continued = true;
    }
    laid.push(...pageElements);
  });
  const elements = continueTables(laid);
  // An image-only document can still be indexed through its image descriptions.
  if (elements.length === 0 && images.length === 0 && ocrPages.length === 0) {
    throw new DomainError(
      'DOCUMENT_UNREADABLE',
      maxOcrPages
        ? `no extractable text on any of ${total} page(s), and no page image OCR could read`
        : `no extractable text on any of ${total} page(s): scanned pages need OCR (OCR=auto)`,
    );
  }
  return {
    pages: total,
    elements,
    imagesFound: 0,
    imagesSkipped: 0,
    images: images.slice(0, extract?.max ?? 0),
    warnings,
    repeatedLinesDropped: margins.droppedLines,
    ocrPages,
  };
}

/**
 * pdf.js rules (user space) in the frame of poppler's runs for the same page: poppler measures
 * from the top left of the displayed page (crop box, page rotation applied), as pdf.js's viewport
 * does, and the runs count up from the page height poppler reports.
 */
function inLayerFrame(rules: Rule[], page: PdfPage, layer: TextLayerPage): Rule[] {
  const vp = page.getViewport({ scale: 1 });
  return rules.map((r) => {
    const [ax, ay] = vp.convertToViewportPoint(r.x0, r.y0) as number[];
    const [bx, by] = vp.convertToViewportPoint(r.x1, r.y1) as number[];
    return {
      x0: Math.min(ax, bx),
      x1: Math.max(ax, bx),
      y0: layer.height - Math.max(ay, by),
      y1: layer.height - Math.min(ay, by),
    };
  });
}

type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;

/**
 * What a page without text paints: an image, else shapes (text drawn as curves, or a drawing), else
 * nothing (a blank page). Asked only of pages without text, so the operator list is rarely built.
 */
async function pagePaints(page: PdfPage): Promise<'image' | 'shapes' | null> {
  const ops = await page.getOperatorList();
  const image = new Set([
    pdfjs.OPS.paintImageXObject,
    pdfjs.OPS.paintInlineImageXObject,
    pdfjs.OPS.paintImageMaskXObject,
  ]);
  if (ops.fnArray.some((fn: number) => image.has(fn))) return 'image';
  return ops.fnArray.some((fn: number) => PAINT.has(fn)) ? 'shapes' : null;
}

/** What the private-use glyph codes a page draws in symbol fonts stand for (a Wingdings tick: ✓). */
async function dingbatsOf(page: PdfPage): Promise<Map<string, string>> {
  const ops = await page.getOperatorList();
  const uses = new Map<string, { font: string; char: string }>();
  let font = '';
  for (let i = 0; i < ops.fnArray.length; i++) {
    const args = ops.argsArray[i] as unknown[];
    if (ops.fnArray[i] === pdfjs.OPS.setFont) {
      try {
        font = String((page.commonObjs.get(String(args[0])) as { name?: string } | undefined)?.name ?? '');
      } catch {
        font = ''; // a font pdf.js could not load: its codes stay as they are
      }
    } else if (ops.fnArray[i] === pdfjs.OPS.showText) {
      for (const g of args[0] as Array<{ unicode?: string } | number | null>) {
        const char = typeof g === 'object' && g?.unicode;
        if (char && hasDingbatCodes(char)) uses.set(`${font}\u0000${char}`, { font, char });
      }
    }
  }
  return dingbatGlyphs(uses.values());
}

/** Resolution a page is drawn at for OCR (tesseract's usual), lowered so a poster-sized page stays under 25 megapixels. */
const OCR_DPI = 300;
const RENDER_MAX_PIXELS = 25e6;

/** Poppler drawing a page of the document as a gray PNG, at `dpi` unless the page is too large for it. */
interface Render {
  dpi: number;
  page: (page: number, dpi: number) => Promise<Buffer>;
}

/** Pixels of an image of the displayed page to the page's user space: back through its rotation and crop. */
export function renderedImageToPdf(
  vp: { width: number; height: number; transform: number[] },
  imageWidth: number,
  imageHeight: number,
): Affine {
  return composeAffine(
    [vp.width / imageWidth, 0, 0, vp.height / imageHeight, 0, 0],
    invertAffine(vp.transform as Affine),
  );
}

/** The page as poppler draws it, in gray, to be OCR'd; the image covers the displayed page. */
async function renderedScan(page: PdfPage, pageNumber: number, render: Render): Promise<OcrPage> {
  const vp = page.getViewport({ scale: 1 });
  const inches = (vp.width / 72) * (vp.height / 72);
  const dpi = Math.max(1, Math.floor(Math.min(render.dpi, Math.sqrt(RENDER_MAX_PIXELS / inches))));
  const png = await render.page(pageNumber, dpi);
  // The image's size from its PNG header (width and height follow the signature and the IHDR chunk's length and type).
  const imageWidth = png.readUInt32BE(16);
  const imageHeight = png.readUInt32BE(20);
  return {
    page: pageNumber,
    png,
    imageWidth,
    imageHeight,
    pageWidth: vp.width,
    pageHeight: vp.height,
    imageToPdf: renderedImageToPdf(vp, imageWidth, imageHeight),
  };
}

const PAINT = new Set([
  pdfjs.OPS.stroke,
  pdfjs.OPS.closeStroke,
  pdfjs.OPS.fill,
  pdfjs.OPS.eoFill,
  pdfjs.OPS.fillStroke,
  pdfjs.OPS.eoFillStroke,
  pdfjs.OPS.closeFillStroke,
  pdfjs.OPS.closeEOFillStroke,
]);

const FILL_ONLY = new Set([pdfjs.OPS.fill, pdfjs.OPS.eoFill]);
/** Points: a rectangle filled this wide and tall is a tint, not a cell (two inches; cells are smaller). */
const BACKGROUND = 144;

/**
 * Straight horizontal and vertical strokes the page paints (table rulings, cell borders and the
 * edges of filled cells), in PDF user space like the text runs. Curves and clipping paths are left out,
 * and so are the edges of a large rectangle filled without a stroke: a tint behind a sidebar, a slide's
 * panel or the whole page, whose edges made one ruled grid of the page with the rules around them.
 */
async function rulesOf(page: PdfPage): Promise<Rule[]> {
  const ops = await page.getOperatorList();
  const O = pdfjs.OPS;
  const rules: Rule[] = [];
  const stack: Affine[] = [];
  let ctm: Affine = [1, 0, 0, 1, 0, 0];
  const at = (x: number, y: number) => applyAffine(ctm, x, y);
  let path: Rule[] = [];
  // Segments of the path that are the edges of a rectangle at least BACKGROUND wide and tall.
  let background = new Set<Rule>();
  const segment = (a: [number, number], b: [number, number]) =>
    path.push({
      x0: Math.min(a[0], b[0]),
      y0: Math.min(a[1], b[1]),
      x1: Math.max(a[0], b[0]),
      y1: Math.max(a[1], b[1]),
    });
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[];
    if (fn === O.save) stack.push(ctm);
    else if (fn === O.restore) ctm = stack.pop() ?? ctm;
    // A `cm` operand (and a form's matrix) applies before the matrix in force.
    else if (fn === O.transform) ctm = composeAffine(args as Affine, ctm);
    else if (fn === O.paintFormXObjectBegin) {
      stack.push(ctm);
      if (Array.isArray(args[0])) ctm = composeAffine(args[0] as Affine, ctm);
    } else if (fn === O.paintFormXObjectEnd) ctm = stack.pop() ?? ctm;
    else if (fn === O.constructPath) {
      const [pathOps, coords] = args as [number[], number[]];
      let k = 0;
      let cur: [number, number] = [0, 0];
      let start: [number, number] = [0, 0];
      for (const op of pathOps) {
        if (op === O.rectangle) {
          const [x, y, w, h] = coords.slice(k, (k += 4));
          const a = at(x, y);
          const b = at(x + w, y);
          const c = at(x + w, y + h);
          const d = at(x, y + h);
          const from = path.length;
          segment(a, b);
          segment(b, c);
          segment(c, d);
          segment(d, a);
          if (Math.abs(c[0] - a[0]) >= BACKGROUND && Math.abs(c[1] - a[1]) >= BACKGROUND)
            for (const r of path.slice(from)) background.add(r);
          cur = start = a;
        } else if (op === O.moveTo) {
          cur = start = at(coords[k], coords[k + 1]);
          k += 2;
        } else if (op === O.lineTo) {
          const next = at(coords[k], coords[k + 1]);
          k += 2;
          segment(cur, next);
          cur = next;
        } else if (op === O.closePath) {
          segment(cur, start);
          cur = start;
        } else if (op === O.curveTo) {
          cur = at(coords[k + 4], coords[k + 5]);
          k += 6;
        } else if (op === O.curveTo2 || op === O.curveTo3) {
          cur = at(coords[k + 2], coords[k + 3]);
          k += 4;
        }
      }
    } else if (PAINT.has(fn)) {
      rules.push(...(FILL_ONLY.has(fn) ? path.filter((r) => !background.has(r)) : path));
      path = [];
      background = new Set();
    } else if (fn === O.endPath) {
      path = [];
      background = new Set();
    }
  }
  return rules;
}

/** The page's text items as positioned runs (PDF user space), with their direction. */
async function textRuns(page: PdfPage): Promise<TextRun[]> {
  const content = await page.getTextContent();
  const runs: TextRun[] = [];
  for (const item of content.items) {
    if (!('str' in item) || !item.str) continue;
    const [a, b, c, d, e, f] = item.transform as number[];
    const size = Math.hypot(c, d) || Math.hypot(a, b) || 10;
    const angle = (Math.atan2(b, a) * 180) / Math.PI;
    runs.push({ str: item.str, x: e, y: f, width: item.width || size * item.str.length * 0.5, size, angle });
  }
  return runs;
}

/** The largest image a page paints, as PNG, with the page box (a scanned page is one image covering it). */
async function pageScan(page: PdfPage, pageNumber: number): Promise<OcrPage | null> {
  const ops = await page.getOperatorList();
  let best: RawImage | undefined;
  for (let i = 0; i < ops.fnArray.length; i++) {
    if (ops.fnArray[i] !== pdfjs.OPS.paintImageXObject) continue;
    const id = String((ops.argsArray[i] as unknown[])[0]);
    try {
      const img = (id.startsWith('g_') ? page.commonObjs : page.objs).get(id) as RawImage | undefined;
      if (img?.data && [1, 2, 3].includes(img.kind) && (!best || img.width * img.height > best.width * best.height))
        best = img;
    } catch {
      // not decoded (an unsupported filter): another image may be
    }
  }
  // A poster-sized scan is drawn smaller instead (tesseract gives up on a 35000-pixel square).
  if (!best || best.width * best.height > RENDER_MAX_PIXELS) return null;
  const [x0, y0, x1, y1] = page.view as number[];
  return {
    page: pageNumber,
    png: encodePng(best),
    imageWidth: best.width,
    imageHeight: best.height,
    pageWidth: x1 - x0,
    pageHeight: y1 - y0,
    // The scan covers the page box, upright in user space: its top row is the box's top.
    imageToPdf: [(x1 - x0) / best.width, 0, 0, -(y1 - y0) / best.height, x0, y1],
  };
}

/** Decoded images painted on a page, as PNG, with the page's first text as a caption hint. */
async function pageImages(
  page: PdfPage,
  pageNumber: number,
  opts: NonNullable<PdfOptions['extractImages']>,
  runs: TextRun[],
): Promise<ExtractedImage[]> {
  const ops = await page.getOperatorList();
  const out: ExtractedImage[] = [];
  const seen = new Set<string>();
  const caption = runs
    .map((r) => r.str)
    .join(' ')
    .replace(/\s+/g, ' ')
    .slice(0, 300);
  for (let i = 0; i < ops.fnArray.length && out.length < opts.max; i++) {
    if (ops.fnArray[i] !== pdfjs.OPS.paintImageXObject) continue;
    const id = String((ops.argsArray[i] as unknown[])[0]);
    if (seen.has(id)) continue;
    seen.add(id);
    const store = id.startsWith('g_') ? page.commonObjs : page.objs;
    let img: RawImage | undefined;
    try {
      img = store.get(id) as RawImage | undefined;
    } catch {
      continue; // not decoded (unsupported filter): skipped and counted by the caller
    }
    if (!img?.data || img.width < opts.minSide || img.height < opts.minSide || ![1, 2, 3].includes(img.kind)) continue;
    out.push({
      page: pageNumber,
      mime: 'image/png',
      base64: encodePng(img).toString('base64'),
      width: img.width,
      height: img.height,
      caption,
    });
  }
  return out;
}

/**
 * Image XObjects in the file, minus soft masks (the alpha channel of another image). Image
 * XObjects are streams, and streams never sit inside compressed object streams, so their
 * dictionaries are plain bytes: a scan finds them without interpreting any page (asking pdf.js
 * for every page's operator list cost about as much as the text extraction itself). Inline
 * images inside content streams are not counted.
 */
export function countImageXObjects(bytes: Buffer): number {
  let images = 0;
  for (let i = bytes.indexOf('/Image'); i >= 0; i = bytes.indexOf('/Image', i + 6)) {
    const next = bytes[i + 6];
    // "/Image" itself, not "/ImageB", "/ImageMask", ...
    if (next !== undefined && /[A-Za-z0-9]/.test(String.fromCharCode(next))) continue;
    if (/\/Subtype\s*$/.test(bytes.toString('latin1', Math.max(0, i - 24), i))) images++;
  }
  let masks = 0;
  for (let i = bytes.indexOf('/SMask'); i >= 0; i = bytes.indexOf('/SMask', i + 6)) {
    if (/^\s*\d+\s+\d+\s+R/.test(bytes.toString('latin1', i + 6, i + 30))) masks++;
  }
  return Math.max(0, images - masks);
}

function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const e = err as { name?: string; message?: string; code?: number };
  switch (e?.name) {
    case 'PasswordException':
      return new DomainError(
        'DOCUMENT_UNREADABLE',
        e.code === 2 ? 'PDF password is incorrect' : 'PDF is encrypted and needs a password',
      );
    case 'InvalidPDFException':
      return new DomainError('DOCUMENT_UNREADABLE', `invalid or corrupted PDF: ${e.message}`);
    case 'MissingPDFException':
      return new DomainError('DOCUMENT_UNREADABLE', 'PDF is empty or missing');
    default:
      return new DomainError('DOCUMENT_UNREADABLE', `PDF could not be parsed: ${e?.message ?? String(err)}`);
  }
}
