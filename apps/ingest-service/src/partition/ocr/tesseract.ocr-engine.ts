import { dirname, join } from 'node:path';
import { createWorker, Worker } from 'tesseract.js';
import { OcrEngine, OcrLine, OcrWord } from './ocr-engine';

/**
 * Tesseract (WASM, tesseract.js) with the trained data that ships inside the
 * `@tesseract.js-data/<lang>` npm package: nothing is downloaded at run time. One worker,
 * started on first use; pages queue on it, so OCR takes at most one core.
 */
export class TesseractOcrEngine implements OcrEngine {
  readonly name = 'tesseract';
  private worker?: Promise<Worker>;

  private readonly langPath: string;

  constructor(private readonly lang: string) {
    try {
      this.langPath = join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
    } catch {
      throw new Error(`OCR_LANG=${lang}: install its trained data first (npm install @tesseract.js-data/${lang})`);
    }
  }

  async recognize(png: Buffer): Promise<OcrLine[]> {
    const worker = await this.start();
    const { data } = await worker.recognize(png, {}, { blocks: true, text: false }).catch(async (err: unknown) => {
      // A failed page (out of WASM memory on an enormous image) can leave the worker unusable: start afresh.
      await this.close().catch(() => undefined);
      throw err instanceof Error ? err : new Error(String(err));
    });
    const lines: OcrLine[] = [];
    for (const block of data.blocks ?? [])
      for (const para of block.paragraphs)
        for (const line of para.lines) {
          const words: OcrWord[] = line.words.filter((w) => w.text.trim()).map((w) => ({ text: w.text, ...w.bbox, confidence: w.confidence }));
          // The baseline runs from x0 to x1; its mean height is where the line sits.
          const baseline = line.baseline.x1 > line.baseline.x0 ? (line.baseline.y0 + line.baseline.y1) / 2 : line.bbox.y1;
          if (words.length) lines.push({ words, baseline, height: line.bbox.y1 - line.bbox.y0 });
        }
    return lines;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await (await w).terminate();
  }

  private start(): Promise<Worker> {
    this.worker ??= (async () => {
      return createWorker(this.lang, 1, { langPath: this.langPath, cacheMethod: 'none', gzip: true, logger: () => undefined, errorHandler: () => undefined });
    })();
    this.worker.catch(() => (this.worker = undefined));
    return this.worker;
  }
}
