import { readFileSync } from 'node:fs';

const g = globalThis as Record<string, unknown>;
g.DOMMatrix ??= class DOMMatrix {};
g.Path2D ??= class Path2D {};
const pdfjs = require('pdfjs-dist/legacy/build/pdf.js') as typeof import('pdfjs-dist');

/**
 * The ingest baseline: raw pdf.js text extraction (getTextContent of every page, nothing else),
 * one file after another in this process. Also counts words, for the synthetic corpus vocabulary.
 */
export async function rawPdfJsExtraction(
  files: string[],
): Promise<{ pages: number; ms: number; words: Map<string, number> }> {
  const words = new Map<string, number>();
  let pages = 0;
  const t0 = performance.now();
  for (const file of files) {
    const data = new Uint8Array(readFileSync(file));
    const doc = await pdfjs.getDocument({
      data,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const text = content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
      for (const w of text.toLowerCase().match(/[a-z][a-z-]{1,30}/g) ?? []) words.set(w, (words.get(w) ?? 0) + 1);
      page.cleanup();
      pages++;
    }
    await doc.destroy();
  }
  return { pages, ms: performance.now() - t0, words };
}
