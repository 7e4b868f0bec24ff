import { Element, OcrPage, PageProgress, PartitionInput, PartitionResult, Partitioner } from './element';
import { OcrEngine } from './ocr/ocr-engine';
import { layoutPage, TextRun } from './page-layout';
import { ImageDescriber } from './image-describer';
import { DomainError } from '@rag/platform';
import { partitionHtml, partitionMarkdown, partitionText } from './markup.partitioner';
import { PdfWorkerPool } from './pdf-worker.pool';

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
    private readonly opts: { timeoutMs: number; countImages: boolean; workers: number; maxHeapMb?: number; maxImages?: number; minImageSide?: number; ocrMaxPages?: number; textLayer?: 'poppler' | 'pdfjs'; warm?: boolean },
    private readonly describer?: ImageDescriber,
    private readonly ocr?: OcrEngine,
  ) {
    this.pool = new PdfWorkerPool({ size: opts.workers, timeoutMs: opts.timeoutMs, maxHeapMb: opts.maxHeapMb ?? 1024 });
    if (opts.warm) this.pool.warm();
  }

  async partition(input: PartitionInput, progress: PageProgress): Promise<PartitionResult> {
    if (input.sourceType === 'pdf') {
      const extractImages = this.describer ? { minSide: this.opts.minImageSide ?? 64, max: this.opts.maxImages ?? 50 } : undefined;
      const ocrPages = this.ocr ? (this.opts.ocrMaxPages ?? 50) : 0;
      const parsed = await this.pool.parse(input.bytes, { countImages: this.opts.countImages || Boolean(this.describer), extractImages, ocrPages, textLayer: this.opts.textLayer }, progress);
      const r = parsed.ocrPages?.length ? await this.withOcr(parsed) : parsed;
      if (!r.elements.length && !r.images?.length) {
        throw new DomainError('DOCUMENT_UNREADABLE', `no text on any of ${r.pages} page(s): ${r.warnings?.[0]?.message ?? 'OCR found none'}`);
      }
      if (!this.describer || !r.images?.length) return { ...r, images: undefined, imagesSkipped: r.imagesFound };
      const described: Element[] = [];
      for (const img of r.images) {
        const summary = await this.describer.describe(img.base64, img.mime, img.caption);
        if (summary) described.push({ kind: 'image', text: summary, page: img.page });
      }
      if (!r.elements.length && !described.length) {
        throw new DomainError('DOCUMENT_UNREADABLE', `no extractable text on any of ${r.pages} page(s) and no image could be described`);
      }
      const imagesFound = Math.max(r.imagesFound, r.images.length);
      return { ...r, images: undefined, elements: withImages(r.elements, described), imagesFound, imagesSkipped: imagesFound - described.length };
    }
    const text = input.bytes.toString('utf8');
    const elements: Element[] =
      input.sourceType === 'md' ? partitionMarkdown(text) : input.sourceType === 'html' ? partitionHtml(text) : partitionText(text);
    progress(1, 1);
    return { pages: 1, elements, imagesFound: 0, imagesSkipped: 0 };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.ocr?.close()]);
  }

  /** OCR'd pages laid out into elements in page order; their "no text layer" warnings are resolved. */
  private async withOcr(r: PartitionResult): Promise<PartitionResult> {
    const elements = [...r.elements];
    const done: number[] = [];
    const failed = new Map<number, string>();
    let confidence = 0;
    let words = 0;
    for (const scan of r.ocrPages!) {
      let lines: Awaited<ReturnType<OcrEngine['recognize']>>;
      try {
        lines = await this.ocr!.recognize(Buffer.from(scan.png));
      } catch (err) {
        // One page the engine cannot read (e.g. an enormous image) is reported; the others still count.
        failed.set(scan.page, (err as Error).message ?? String(err));
        continue;
      }
      const runs = ocrRuns(scan, lines);
      if (!runs.length) continue;
      done.push(scan.page);
      for (const l of lines) {
        for (const w of l.words) confidence += w.confidence;
        words += l.words.length;
      }
      let at = elements.length;
      while (at > 0 && elements[at - 1].page > scan.page) at--;
      elements.splice(at, 0, ...layoutPage(runs, scan.page));
    }
    const warnings = (r.warnings ?? []).map((w) =>
      w.code === 'PAGE_WITHOUT_TEXT' && r.ocrPages!.some((s) => s.page === w.page) && !done.includes(w.page)
        ? { ...w, message: `page ${w.page} is an image without a text layer, and OCR ${failed.has(w.page) ? `failed on it: ${failed.get(w.page)}` : 'found no text on it'}` }
        : w,
    );
    return {
      ...r,
      elements,
      ocrPages: undefined,
      warnings: warnings.filter((w) => !(w.code === 'PAGE_WITHOUT_TEXT' && done.includes(w.page))),
      ocr: { pages: done, confidence: words ? Math.round(confidence / words) : 0 },
    };
  }
}

/**
 * OCR lines as text runs in PDF user space (y up), the scan stretched over the page box. Words a
 * word space apart join one run, as a PDF's text layer sets them, so the layout tells a column
 * gutter or a table gap (a wider one) from the spaces of a line of prose.
 */
function ocrRuns(scan: OcrPage, lines: Awaited<ReturnType<OcrEngine['recognize']>>): TextRun[] {
  const sx = scan.pageWidth / scan.imageWidth;
  const sy = scan.pageHeight / scan.imageHeight;
  const runs: TextRun[] = [];
  for (const l of lines) {
    const size = Math.max(1, 0.8 * l.height * sy);
    const y = scan.pageHeight - l.baseline * sy;
    let cur: TextRun | null = null;
    for (const w of [...l.words].sort((a, b) => a.x0 - b.x0)) {
      const x = w.x0 * sx;
      const width = (w.x1 - w.x0) * sx;
      if (cur && x - (cur.x + cur.width) <= 0.6 * size) {
        cur.str += ` ${w.text}`;
        cur.width = x + width - cur.x;
      } else {
        if (cur) runs.push(cur);
        cur = { str: w.text, x, y, width, size };
      }
    }
    if (cur) runs.push(cur);
  }
  return runs;
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
