import { spawn, spawnSync } from 'node:child_process';
import { decodeXML } from 'entities';
import pLimit from 'p-limit';
import { OcrEngine, OcrLine, OcrOptions } from './ocr-engine';

const LINE =
  /<span class='ocr_(?:line|header|caption|textfloat)' id='[^']*' title="bbox (\d+) (\d+) (\d+) (\d+)(?:; baseline ([-\d.]+) ([-\d.]+))?[^"]*">([\s\S]*?)<\/span>\s*(?=<span class='ocr_|<\/p>)/g;
const WORD = /<span class='ocrx_word' id='[^']*' title='bbox (\d+) (\d+) (\d+) (\d+); x_wconf (\d+)'>([^<]*)<\/span>/g;

/** Whether the `tesseract` command (Debian `tesseract-ocr`) is installed with trained data for each of `lang` ("eng+deu"). */
export function tesseractCliInstalled(lang: string): boolean {
  const r = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return false;
  const installed = new Set(r.stdout.split('\n').map((l) => l.trim()));
  return lang.split('+').every((l) => installed.has(l));
}

/**
 * Tesseract's hOCR (a fixed, machine-written schema) into lines of words. A line's baseline is
 * given as slope and offset from its box's lower left corner; its middle is where the line sits.
 */
export function parseHocr(hocr: string): OcrLine[] {
  const lines: OcrLine[] = [];
  for (const l of hocr.matchAll(LINE)) {
    const [x0, y0, x1, y1] = l.slice(1, 5).map(Number);
    // Vertical lines carry a text angle instead of a baseline: their boxes say which way they read.
    const [slope, offset] = l[5] === undefined ? [0, 0] : [Number(l[5]), Number(l[6])];
    const words = [...l[7].matchAll(WORD)]
      .map((w) => ({
        x0: Number(w[1]),
        y0: Number(w[2]),
        x1: Number(w[3]),
        y1: Number(w[4]),
        confidence: Number(w[5]),
        text: decodeXML(w[6]),
      }))
      .filter((w) => w.text.trim());
    if (words.length) lines.push({ words, baseline: y1 + offset + (slope * (x1 - x0)) / 2, height: y1 - y0 });
  }
  return lines;
}

/**
 * Tesseract as the native command (Debian `tesseract-ocr`, with `tesseract-ocr-<lang>`): about
 * twice as fast as the WASM build on the same page, and nothing downloaded at run time. At most
 * `concurrency` pages at once, each one thread (OpenMP threads on a busy two-core machine were
 * ten times slower, not faster); a page past its time budget is killed. Only this file runs the
 * command.
 */
export class TesseractCliOcrEngine implements OcrEngine {
  readonly name = 'tesseract-cli';
  private readonly limit: pLimit.Limit;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly lang: string,
    private readonly pageTimeoutMs = 60_000,
    concurrency = 1,
  ) {
    this.limit = pLimit(concurrency);
  }

  recognize(png: Buffer, opts: OcrOptions = {}): Promise<OcrLine[]> {
    const run = this.limit(() => this.recognizeNow(png, opts));
    const settled = run.catch(() => undefined).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
    return run;
  }

  async close(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private recognizeNow(png: Buffer, opts: OcrOptions): Promise<OcrLine[]> {
    // Automatic page segmentation (columns and blocks first); the scan's resolution from its page box, so tesseract does not guess it.
    const args = [
      'stdin',
      'stdout',
      '-l',
      this.lang,
      '--psm',
      opts.block ? '6' : '3',
      ...(opts.dpi ? ['--dpi', String(Math.round(opts.dpi))] : []),
      'hocr',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('tesseract', args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`OCR of the page took longer than ${this.pageTimeoutMs} ms`));
      }, this.pageTimeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`tesseract could not be run: ${e.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(parseHocr(Buffer.concat(out).toString('utf8')));
        else
          reject(
            new Error(
              `tesseract exited with ${code}: ${err.split('\n').find((l) => /error|cannot|failed/i.test(l)) ?? err.trim().split('\n').pop() ?? ''}`,
            ),
          );
      });
      // A child that exits early closes stdin: the write error is the exit's, reported above.
      child.stdin.on('error', () => undefined);
      child.stdin.end(png);
    });
  }
}
