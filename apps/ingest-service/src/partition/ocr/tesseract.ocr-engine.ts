import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createWorker, PSM, Worker } from 'tesseract.js';
import { OcrEngine, OcrLine, OcrWord } from './ocr-engine';

/**
 * Tesseract (WASM, tesseract.js) with the trained data that ships inside the
 * `@tesseract.js-data/<lang>` npm package: nothing is downloaded at run time. One worker,
 * started on first use; pages take turns on it (so OCR takes at most one core), and a page
 * that runs past its time budget is stopped by replacing the worker.
 */
export class TesseractOcrEngine implements OcrEngine {
  readonly name = 'tesseract';
  private worker?: Promise<Worker>;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly langPath: string;

  constructor(
    private readonly lang: string,
    private readonly pageTimeoutMs = 60_000,
  ) {
    const dirs = lang.split('+').map((l) => {
      try {
        return join(dirname(require.resolve(`@tesseract.js-data/${l}/package.json`)), '4.0.0_best_int');
      } catch {
        throw new Error(
          `OCR_LANGS=${lang}: install the trained data of ${l} first (npm install @tesseract.js-data/${l})`,
        );
      }
    });
    this.langPath = dirs.length === 1 ? dirs[0] : oneLangDir(lang.split('+'), dirs);
  }

  recognize(png: Buffer): Promise<OcrLine[]> {
    const run = this.turn.then(() => this.recognizeNow(png));
    this.turn = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await (await w).terminate().catch(() => undefined);
  }

  private async recognizeNow(png: Buffer): Promise<OcrLine[]> {
    const worker = await this.start();
    let timer: NodeJS.Timeout | undefined;
    const overtime = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`OCR of the page took longer than ${this.pageTimeoutMs} ms`)),
        this.pageTimeoutMs,
      );
    });
    try {
      // rotateAuto straightens a slightly skewed scan before reading it (word boxes are then in the straightened image).
      const { data } = await Promise.race([
        worker.recognize(png, { rotateAuto: true }, { blocks: true, text: false }),
        overtime,
      ]);
      const lines: OcrLine[] = [];
      for (const block of data.blocks ?? [])
        for (const para of block.paragraphs)
          for (const line of para.lines) {
            const words: OcrWord[] = line.words
              .filter((w) => w.text.trim())
              .map((w) => ({ text: w.text, ...w.bbox, confidence: w.confidence }));
            // The baseline runs from x0 to x1; its mean height is where the line sits.
            const baseline =
              line.baseline.x1 > line.baseline.x0 ? (line.baseline.y0 + line.baseline.y1) / 2 : line.bbox.y1;
            if (words.length) lines.push({ words, baseline, height: line.bbox.y1 - line.bbox.y0 });
          }
      return lines;
    } catch (err) {
      // A page past its budget, or one that failed (out of WASM memory on an enormous image), can
      // leave the worker busy or unusable: the next page gets a fresh one.
      await this.close();
      throw err instanceof Error ? err : new Error(String(err));
    } finally {
      clearTimeout(timer);
    }
  }

  private start(): Promise<Worker> {
    this.worker ??= createWorker(this.lang, 1, {
      langPath: this.langPath,
      cacheMethod: 'none',
      gzip: true,
      logger: () => undefined,
      errorHandler: () => undefined,
    }).then(async (w) => {
      // Tesseract's API defaults to one uniform block of text, which reads lines straight across
      // columns; automatic page segmentation finds the columns and blocks first, as its CLI does.
      await w.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
      return w;
    });
    this.worker.catch(() => (this.worker = undefined));
    return this.worker;
  }
}

/** tesseract.js reads every language from one directory: links to each package's data, side by side. */
function oneLangDir(langs: string[], dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessdata-'));
  langs.forEach((l, i) => symlinkSync(join(dirs[i], `${l}.traineddata.gz`), join(dir, `${l}.traineddata.gz`)));
  return dir;
}
