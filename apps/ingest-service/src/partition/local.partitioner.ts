import {
  applyAffine,
  Box,
  Element,
  OcrPage,
  PageProgress,
  PartitionInput,
  PartitionResult,
  Partitioner,
  scanDpi,
} from './element';
import { OcrEngine, OcrLine } from './ocr/ocr-engine';
import { lineDirection, resolveDirections, WordBox } from './word-direction';
import { layoutPage, TextRun } from './page-layout';
import { ImageDescriber } from './image-describer';
import { DomainError } from '@rag/platform';
import { wordLikeShare } from './text-quality';
import { partitionHtml, partitionMarkdown, partitionText } from './markup.partitioner';
import { PdfWorkerPool } from './pdf-worker.pool';
import { docxToHtml } from './docx.converter';

/**
 * Offline default: poppler's text layer and pdf.js for PDFs (pdf.js alone when poppler is not
 * installed or refuses a file), small parsers for text, Markdown and HTML. PDFs are parsed in
 * pooled worker threads with a deadline. Pages without a text layer are OCR'd when an OCR engine
 * is given (their words laid out like any page). Embedded images are decoded and described when a
 * vision model is configured (image_summary chunks); otherwise they are counted and skipped.
 */
export class LocalPartitioner implements Partitioner {
  readonly name = 'local';
  private readonly pool: PdfWorkerPool;

  constructor(
    private readonly opts: {
      timeoutMs: number;
      countImages: boolean;
      workers: number;
      maxHeapMb?: number;
      maxImages?: number;
      minImageSide?: number;
      ocrMaxPages?: number;
      /** Every page OCR'd, its text layer replaced (OCR=force). */
      ocrForce?: boolean;
      /** Resolution pages are drawn at to be OCR'd (when poppler draws them). */
      ocrDpi?: number;
      /** OCR of one document stops after this long; the pages left are reported. */
      ocrDocumentTimeoutMs?: number;
      /** Pages of one document given to the OCR engine at once (the engine bounds its own processes). */
      ocrConcurrency?: number;
      textLayer?: 'poppler' | 'pdfjs';
      warm?: boolean;
    },
    private readonly describer?: ImageDescriber,
    private readonly ocr?: OcrEngine,
  ) {
    this.pool = new PdfWorkerPool({ size: opts.workers, timeoutMs: opts.timeoutMs, maxHeapMb: opts.maxHeapMb ?? 1024 });
    if (opts.warm) this.pool.warm();
  }

  async partition(input: PartitionInput, progress: PageProgress): Promise<PartitionResult> {
    if (input.sourceType === 'pdf') {
      const extractImages = this.describer
        ? { minSide: this.opts.minImageSide ?? 64, max: this.opts.maxImages ?? 50 }
        : undefined;
      const ocrPages = this.ocr ? (this.opts.ocrMaxPages ?? 50) : 0;
      const parsed = await this.pool.parse(
        input.bytes,
        {
          countImages: this.opts.countImages || Boolean(this.describer),
          extractImages,
          ocrPages,
          ocrForce: this.opts.ocrForce,
          ocrDpi: this.opts.ocrDpi,
          textLayer: this.opts.textLayer,
        },
        progress,
      );
      const r = parsed.ocrPages?.length ? await this.withOcr(parsed, progress) : parsed;
      if (!r.elements.length && !r.images?.length) {
        throw new DomainError(
          'DOCUMENT_UNREADABLE',
          `no text on any of ${r.pages} page(s): ${r.warnings?.[0]?.message ?? 'OCR found none'}`,
        );
      }
      if (!this.describer || !r.images?.length) return { ...r, images: undefined, imagesSkipped: r.imagesFound };
      const described: Element[] = [];
      for (const img of r.images) {
        const summary = await this.describer.describe(img.base64, img.mime, img.caption);
        if (summary) described.push({ kind: 'image', text: summary, page: img.page });
      }
      if (!r.elements.length && !described.length) {
        throw new DomainError(
          'DOCUMENT_UNREADABLE',
          `no extractable text on any of ${r.pages} page(s) and no image could be described`,
        );
      }
      const imagesFound = Math.max(r.imagesFound, r.images.length);
      return {
        ...r,
        images: undefined,
        elements: withImages(r.elements, described),
        imagesFound,
        imagesSkipped: imagesFound - described.length,
      };
    }
    if (input.sourceType === 'docx') {
      // Word → HTML (headings, lists and tables kept), then the same reader as any HTML.
      const elements = partitionHtml(await docxToHtml(input.bytes));
      progress(1, 1);
      if (!elements.length) throw new DomainError('DOCUMENT_UNREADABLE', 'the Word document has no text');
      return { pages: 1, elements, imagesFound: 0, imagesSkipped: 0 };
    }
    const text = input.bytes.toString('utf8');
    const elements: Element[] =
      input.sourceType === 'md'
        ? partitionMarkdown(text)
        : input.sourceType === 'html'
          ? partitionHtml(text)
          : partitionText(text);
    progress(1, 1);
    return { pages: 1, elements, imagesFound: 0, imagesSkipped: 0 };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.ocr?.close()]);
  }

  /**
   * OCR'd pages laid out into elements in page order; their "no text layer" warnings are resolved.
   * Pages go to the engine a few at a time, until the document's OCR budget is spent.
   */
  private async withOcr(r: PartitionResult, progress: PageProgress): Promise<PartitionResult> {
    const scans = r.ocrPages!;
    const read = new Map<number, OcrLine[]>();
    const failed = new Map<number, string>();
    const budget = this.opts.ocrDocumentTimeoutMs ?? 600_000;
    const deadline = Date.now() + budget;
    let next = 0;
    let finished = 0;
    progress(0, scans.length, 'ocr');
    const reader = async () => {
      while (next < scans.length) {
        const scan = scans[next++];
        try {
          if (Date.now() > deadline) throw new Error(`the document's OCR time budget of ${budget / 1000} s was spent`);
          read.set(scan.page, await this.ocr!.recognize(Buffer.from(scan.png), { dpi: scanDpi(scan) }));
        } catch (err) {
          // One page the engine cannot read (e.g. an enormous image) is reported; the others still count.
          failed.set(scan.page, (err as Error).message ?? String(err));
        }
        progress(++finished, scans.length, 'ocr');
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.opts.ocrConcurrency ?? 1) }, reader));
    let elements = [...r.elements];
    const done: number[] = [];
    const pageConfidence: Record<number, number> = {};
    let confidence = 0;
    let words = 0;
    for (const scan of scans) {
      const lines = read.get(scan.page);
      if (!lines) continue;
      const runs = ocrRuns(scan, lines);
      if (!runs.length) continue;
      if (scan.replaces) {
        const layer = elements.filter((e) => e.page === scan.page);
        // A text layer that looked like glyph codes stays unless OCR reads clearly more like words.
        const wordLike = (texts: string[]) => wordLikeShare(texts.join(' ')).share;
        if (
          scan.replaces === 'if-better' &&
          wordLike(runs.map((x) => x.str)) < wordLike(layer.map((e) => e.text)) + 0.3
        )
          continue;
        elements = elements.filter((e) => e.page !== scan.page);
      }
      done.push(scan.page);
      const pageWords = lines.flatMap((l) => l.words);
      const sum = pageWords.reduce((s, w) => s + w.confidence, 0);
      pageConfidence[scan.page] = Math.round(sum / pageWords.length);
      confidence += sum;
      words += pageWords.length;
      let at = elements.length;
      while (at > 0 && elements[at - 1].page > scan.page) at--;
      elements.splice(
        at,
        0,
        ...layoutPage(runs, scan.page).map(({ box, ...e }) => {
          const onPage = box && pageBox(scan, box);
          return onPage ? { ...e, box: onPage } : e;
        }),
      );
    }
    const warnings = (r.warnings ?? []).map((w) =>
      w.code === 'PAGE_WITHOUT_TEXT' && r.ocrPages!.some((s) => s.page === w.page) && !done.includes(w.page)
        ? {
            ...w,
            message: `${w.message.replace(/:.*$/, '')}, and OCR ${failed.has(w.page) ? `failed on it: ${failed.get(w.page)}` : 'found no text on it'}`,
          }
        : w,
    );
    // A text layer of glyph codes that OCR did not replace is kept, and said to be unreadable.
    for (const scan of scans)
      if (scan.replaces === 'if-better' && !done.includes(scan.page))
        warnings.push({
          page: scan.page,
          code: 'PAGE_UNREADABLE',
          message: `page ${scan.page}'s text looks like glyph codes (a font without a Unicode map), and OCR ${failed.has(scan.page) ? `failed on it: ${failed.get(scan.page)}` : 'read it no better'}`,
        });
    warnings.sort((a, b) => a.page - b.page);
    return {
      ...r,
      elements,
      ocrPages: undefined,
      warnings: warnings.filter((w) => !(w.code === 'PAGE_WITHOUT_TEXT' && done.includes(w.page))),
      ocr: { pages: done, confidence: words ? Math.round(confidence / words) : 0, pageConfidence },
    };
  }
}

/**
 * OCR lines as text runs in PDF user space (y up), the scan stretched over the page box. Words a
 * word space apart join one run, as a PDF's text layer sets them, so the layout tells a column
 * gutter or a table gap (a wider one) from the spaces of a line of prose. Tesseract reads text set
 * sideways (a margin stamp, a page scanned rotated by 90 degrees) but gives its boxes in the image's
 * frame: such lines become runs at 90 or 270 degrees, as a text layer gives them, and the layout
 * reads each direction in its own frame.
 */
export function ocrRuns(
  scan: Pick<OcrPage, 'imageWidth' | 'imageHeight' | 'pageWidth' | 'pageHeight'>,
  lines: OcrLine[],
): TextRun[] {
  const sx = scan.pageWidth / scan.imageWidth;
  const sy = scan.pageHeight / scan.imageHeight;
  const placed = lines.map((l) =>
    l.words.map((w) => ({ text: w.text, x0: w.x0 * sx, x1: w.x1 * sx, y0: w.y0 * sy, y1: w.y1 * sy })),
  );
  const dirs = resolveDirections(placed.map(lineDirection));
  const runs: TextRun[] = [];
  placed.forEach((words, i) => {
    const dir = dirs[i];
    // Line height across the text: tesseract's for upright lines, the words' extent for vertical ones.
    const thick =
      dir === 0 ? lines[i].height * sy : Math.max(...words.map((w) => w.x1)) - Math.min(...words.map((w) => w.x0));
    const size = Math.max(1, 0.8 * thick);
    // Along the text: x for upright lines, y down the page when reading downwards, up the page when reading upwards.
    const along = (w: WordBox): [number, number] =>
      dir === 0 ? [w.x0, w.x1] : dir === 270 ? [w.y0, w.y1] : [-w.y1, -w.y0];
    const left = Math.min(...words.map((w) => w.x0));
    const right = Math.max(...words.map((w) => w.x1));
    let cur: WordBox | null = null;
    const flush = () => {
      if (!cur) return;
      const width = along(cur)[1] - along(cur)[0];
      if (dir === 0) runs.push({ str: cur.text, x: cur.x0, y: scan.pageHeight - lines[i].baseline * sy, width, size });
      else if (dir === 270)
        runs.push({ str: cur.text, x: left + 0.2 * thick, y: scan.pageHeight - cur.y0, width, size, angle: 270 });
      else runs.push({ str: cur.text, x: right - 0.2 * thick, y: scan.pageHeight - cur.y1, width, size, angle: 90 });
    };
    for (const w of [...words].sort((a, b) => along(a)[0] - along(b)[0])) {
      if (cur && along(w)[0] - along(cur)[1] <= 0.6 * size) {
        cur = {
          text: `${cur.text} ${w.text}`,
          x0: Math.min(cur.x0, w.x0),
          y0: Math.min(cur.y0, w.y0),
          x1: Math.max(cur.x1, w.x1),
          y1: Math.max(cur.y1, w.y1),
        };
      } else {
        flush();
        cur = { ...w };
      }
    }
    flush();
  });
  return runs;
}

/**
 * A region of an OCR'd page (laid out in the image's upright frame, y up, as `ocrRuns` places words)
 * in PDF user space, where a viewer draws it; none when the scan does not say how its pixels lie on
 * the page (an outline in the wrong place misleads).
 */
export function pageBox(
  scan: Pick<OcrPage, 'imageWidth' | 'imageHeight' | 'pageWidth' | 'pageHeight' | 'imageToPdf'>,
  [x0, y0, x1, y1]: Box,
): Box | undefined {
  if (!scan.imageToPdf) return undefined;
  const sx = scan.pageWidth / scan.imageWidth;
  const sy = scan.pageHeight / scan.imageHeight;
  const [ax, ay] = applyAffine(scan.imageToPdf, x0 / sx, (scan.pageHeight - y0) / sy);
  const [bx, by] = applyAffine(scan.imageToPdf, x1 / sx, (scan.pageHeight - y1) / sy);
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
}

/** Each image description goes after the last element of its page, keeping reading order. */
function withImages(elements: Element[], images: Element[]): Element[] {
  const out = [...elements];
  for (const img of images) {
    let at = out.length;
    while (at > 0 && out[at - 1].page > img.page) at--;
    out.splice(at, 0, img);
  }
  return out;
}
