import { contentWords } from '@rag/ai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalPartitioner } from '../src/partition/local.partitioner';
import { TesseractOcrEngine } from '../src/partition/ocr/tesseract.ocr-engine';

const REAL_DOCS = resolve(__dirname, '../../../../shared/datasets/real-docs');
const SCAN = 'cdc_understanding_your_hiv_test_results_patient_brochure_scanned';

describe('OCR of a page without a text layer (tesseract.js, trained data from its npm package)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-'));
  const ocr = new LocalPartitioner({ timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5 }, undefined, new TesseractOcrEngine('eng'));
  const noOcr = new LocalPartitioner({ timeoutMs: 60_000, countImages: false, workers: 1 });
  // One page of the scan, split out with poppler, keeps the test small.
  const page = join(dir, 'page1.pdf');
  execFileSync('pdfseparate', ['-f', '1', '-l', '1', join(REAL_DOCS, `${SCAN}.pdf`), page]);

  afterAll(async () => {
    await Promise.all([ocr.close(), noOcr.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the scanned page into text elements: most words of the born-digital page, no warning left', async () => {
    const r = await ocr.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined);
    expect(r.ocr?.pages).toEqual([1]);
    expect(r.ocr!.confidence).toBeGreaterThan(70);
    expect(r.warnings).toEqual([]);
    const truth = new Set(contentWords(readFileSync(join(REAL_DOCS, `${SCAN}.truth/page-1.txt`), 'utf8')).filter((w) => w.length >= 4));
    const read = new Set(contentWords(r.elements.map((e) => e.text).join(' ')));
    const found = [...truth].filter((w) => read.has(w)).length / truth.size;
    expect(found).toBeGreaterThan(0.9);
    expect(r.elements.every((e) => e.page === 1)).toBe(true);
  }, 60_000);

  it('reads a two-column scan column by column: a sentence of each column comes out whole', async () => {
    const two = join(dir, 'two-column.pdf');
    execFileSync('pdfseparate', ['-f', '1', '-l', '1', join(REAL_DOCS, 'bmc_hsr_2014_quality_improvement_barriers_resource_limited_scanned.pdf'), two]);
    const r = await ocr.partition({ bytes: readFileSync(two), sourceType: 'pdf', filename: 'two.pdf' }, () => undefined);
    const text = r.elements.map((e) => e.text).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('All the questionnaires for both in-depth and structured interviews were originally designed in English.');
    expect(text).toContain('The results reported below reflect the views of the different stakeholders interviewed.');
    expect(r.elements.some((e) => e.kind === 'table')).toBe(false);
  }, 60_000);

  it('reports a page the OCR engine fails on, with the reason (a clear failure when no other page has text)', async () => {
    const broken = new LocalPartitioner({ timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5 }, undefined, {
      name: 'broken',
      recognize: async () => {
        throw new Error('Error attempting to read image.');
      },
      close: async () => undefined,
    });
    try {
      await expect(broken.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined)).rejects.toThrow(
        'no text on any of 1 page(s): page 1 is an image without a text layer, and OCR failed on it: Error attempting to read image.',
      );
    } finally {
      await broken.close();
    }
  });

  it('stops a page past its time budget and reports it', async () => {
    const engine = new TesseractOcrEngine('eng', 200);
    const hasty = new LocalPartitioner({ timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5 }, undefined, engine);
    try {
      await expect(hasty.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined)).rejects.toThrow(
        'OCR failed on it: OCR of the page took longer than 200 ms',
      );
    } finally {
      await hasty.close();
    }
  }, 60_000);

  it('without OCR the same page is a clear failure that names the remedy', async () => {
    await expect(noOcr.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined)).rejects.toThrow('scanned pages need OCR (OCR=auto)');
  });
});
