import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { countImageXObjects } from '../src/partition/pdfjs.partitioner';
import { PdfWorkerPool } from '../src/partition/pdf-worker.pool';

const BOOK = resolve(__dirname, '../../../../shared/datasets/pubmedqa-books/pubmed-abstracts-vol03.pdf');
const SMALL = resolve(__dirname, '../../../../shared/datasets/pdf-corpus/tables/camelot_arabic.pdf');
const noop = () => undefined;

describe('PdfWorkerPool (real worker threads, real pdf.js)', () => {
  const pool = new PdfWorkerPool({ size: 2, timeoutMs: 60_000, maxHeapMb: 512 });
  afterAll(() => pool.close());

  it('reuses warm workers instead of starting one per document', async () => {
    const book = readFileSync(BOOK);
    const results = await Promise.all([1, 2, 3, 4].map(() => pool.parse(book, { countImages: false }, noop)));
    expect(results.map((r) => r.pages)).toEqual([100, 100, 100, 100]);
    expect(pool.spawned).toBe(2);
  }, 30_000);

  it('stops a parse that passes its deadline and replaces the terminated worker', async () => {
    const before = pool.spawned;
    await expect(pool.parse(readFileSync(BOOK), { countImages: false }, noop, 5)).rejects.toThrow(/exceeded 5 ms/);
    // Two at once need both slots: the surviving worker and one started in place of the terminated one.
    const rs = await Promise.all([1, 2].map(() => pool.parse(readFileSync(SMALL), { countImages: false }, noop)));
    expect(rs.map((r) => r.pages)).toEqual([1, 1]);
    expect(pool.spawned).toBe(before + 1);
  }, 30_000);

  it('reports progress from the worker', async () => {
    const seen: number[] = [];
    await pool.parse(readFileSync(BOOK), { countImages: false }, (done) => seen.push(done));
    expect(seen.at(-1)).toBe(100);
    expect(seen.length).toBeGreaterThan(5);
  }, 30_000);
});

describe('PdfWorkerPool deadlines and thread start-up', () => {
  it("does not count a cold thread's start-up against the first document's deadline", async () => {
    // Loading pdf.js into a new thread takes about 2 s from sources (less compiled); the small file then parses in ~40 ms.
    const pool = new PdfWorkerPool({ size: 1, timeoutMs: 1000, maxHeapMb: 512 });
    try {
      const r = await pool.parse(readFileSync(SMALL), { countImages: false }, noop);
      expect(r.pages).toBe(1);
    } finally {
      await pool.close();
    }
  }, 30_000);
});

describe('countImageXObjects', () => {
  it('counts image XObjects but not soft masks, image masks or other names', () => {
    const pdf = Buffer.from(
      [
        '1 0 obj << /Type /XObject /Subtype /Image /Width 4 /SMask 2 0 R >> stream',
        '2 0 obj << /Type/XObject/Subtype/Image/Width 4 >> stream',
        '3 0 obj << /Type /XObject /Subtype /Image /ImageMask true >> stream',
        '4 0 obj << /ProcSet [/PDF /ImageB /ImageC] >>',
        '5 0 obj << /Subtype /Form >>',
      ].join('\n'),
      'latin1',
    );
    expect(countImageXObjects(pdf)).toBe(2);
    expect(countImageXObjects(Buffer.from('%PDF-1.4 no images here'))).toBe(0);
  });
});
