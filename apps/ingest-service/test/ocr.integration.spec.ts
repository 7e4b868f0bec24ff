import { contentWords } from '@rag/ai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalPartitioner } from '../src/partition/local.partitioner';
import { createOcrEngine } from '../src/partition/partitioner.factory';
import { OcrEngine } from '../src/partition/ocr/ocr-engine';
import { TesseractCliOcrEngine } from '../src/partition/ocr/tesseract-cli.ocr-engine';
import { TesseractOcrEngine } from '../src/partition/ocr/tesseract.ocr-engine';

const REAL_DOCS = resolve(__dirname, '../../../../shared/datasets/real-docs');
const SCAN = 'cdc_understanding_your_hiv_test_results_patient_brochure_scanned';

const ENGINES: Array<[string, () => OcrEngine]> = [
  ['tesseract.js, trained data from its npm package', () => new TesseractOcrEngine('eng')],
  [
    'native tesseract (Debian tesseract-ocr), as the service composes it',
    () =>
      createOcrEngine({
        engine: 'native',
        langs: ['eng'],
        mode: 'auto',
        maxPages: 5,
        pageTimeoutMs: 60_000,
        documentTimeoutMs: 600_000,
        concurrency: 1,
        dpi: 300,
      }),
  ],
];

describe.each(ENGINES)('OCR of a page without a text layer (%s)', (_name, engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-'));
  const ocr = new LocalPartitioner(
    { timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5 },
    undefined,
    engine(),
  );
  const noOcr = new LocalPartitioner({ timeoutMs: 60_000, countImages: false, workers: 1 });
  // One page of the scan, split out with poppler, keeps the test small.
  const page = join(dir, 'page1.pdf');
  execFileSync('pdfseparate', ['-f', '1', '-l', '1', join(REAL_DOCS, `${SCAN}.pdf`), page]);

  afterAll(async () => {
    await Promise.all([ocr.close(), noOcr.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the scanned page into text elements: most words of the born-digital page, no warning left', async () => {
    const r = await ocr.partition(
      { bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' },
      () => undefined,
    );
    expect(r.ocr?.pages).toEqual([1]);
    expect(r.ocr!.confidence).toBeGreaterThan(70);
    expect(r.warnings).toEqual([]);
    const truth = new Set(
      contentWords(readFileSync(join(REAL_DOCS, `${SCAN}.truth/page-1.txt`), 'utf8')).filter((w) => w.length >= 4),
    );
    const read = new Set(contentWords(r.elements.map((e) => e.text).join(' ')));
    const found = [...truth].filter((w) => read.has(w)).length / truth.size;
    expect(found).toBeGreaterThan(0.9);
    expect(r.elements.every((e) => e.page === 1)).toBe(true);
    // Each element's region lies on the page (US letter, 612 x 792 points).
    expect(r.elements.every((e) => e.box && e.box[0] >= 0 && e.box[1] >= 0 && e.box[2] <= 612 && e.box[3] <= 792)).toBe(
      true,
    );
  }, 60_000);

  it('reads a two-column scan column by column: a sentence of each column comes out whole', async () => {
    const two = join(dir, 'two-column.pdf');
    execFileSync('pdfseparate', [
      '-f',
      '1',
      '-l',
      '1',
      join(REAL_DOCS, 'bmc_hsr_2014_quality_improvement_barriers_resource_limited_scanned.pdf'),
      two,
    ]);
    const r = await ocr.partition(
      { bytes: readFileSync(two), sourceType: 'pdf', filename: 'two.pdf' },
      () => undefined,
    );
    const text = r.elements
      .map((e) => e.text)
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(text).toContain(
      'All the questionnaires for both in-depth and structured interviews were originally designed in English.',
    );
    expect(text).toContain('The results reported below reflect the views of the different stakeholders interviewed.');
    expect(r.elements.some((e) => e.kind === 'table')).toBe(false);
  }, 60_000);

  it('reads a page scanned sideways (rotated 90 degrees) line by line, not across the lines', async () => {
    const sideways = join(dir, 'sideways.pdf');
    execFileSync('pdfseparate', [
      '-f',
      '2',
      '-l',
      '2',
      join(REAL_DOCS, 'cdc_mmwr_2021_prep_awareness_disparities_23_urban_areas_scanned.pdf'),
      sideways,
    ]);
    const r = await ocr.partition(
      { bytes: readFileSync(sideways), sourceType: 'pdf', filename: 'sideways.pdf' },
      () => undefined,
    );
    const text = r.elements
      .map((e) => e.text)
      .join(' ')
      .replace(/\s+/g, ' ');
    expect(text).toMatch(/Preexposure prophylaxis awareness among HIV-negative\S* heterosexually active men and women/);
  }, 60_000);

  it('reads a page scanned 3 degrees askew', async () => {
    const skewed = join(dir, 'skewed.pdf');
    execFileSync('pdfseparate', ['-f', '3', '-l', '3', join(REAL_DOCS, `${SCAN}.pdf`), skewed]);
    const r = await ocr.partition(
      { bytes: readFileSync(skewed), sourceType: 'pdf', filename: 'skewed.pdf' },
      () => undefined,
    );
    const truth = new Set(
      contentWords(readFileSync(join(REAL_DOCS, `${SCAN}.truth/page-3.txt`), 'utf8')).filter((w) => w.length >= 4),
    );
    const read = new Set(contentWords(r.elements.map((e) => e.text).join(' ')));
    expect([...truth].filter((w) => read.has(w)).length / truth.size).toBeGreaterThan(0.9);
  }, 60_000);

  it('reports a page the OCR engine fails on, with the reason (a clear failure when no other page has text)', async () => {
    const broken = new LocalPartitioner(
      { timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5 },
      undefined,
      {
        name: 'broken',
        recognize: async () => {
          throw new Error('Error attempting to read image.');
        },
        close: async () => undefined,
      },
    );
    try {
      await expect(
        broken.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined),
      ).rejects.toThrow(
        'no text on any of 1 page(s): page 1 is an image without a text layer, and OCR failed on it: Error attempting to read image.',
      );
    } finally {
      await broken.close();
    }
  });

  it.each([
    ['tesseract.js', () => new TesseractOcrEngine('eng', 200)],
    ['native tesseract', () => new TesseractCliOcrEngine('eng', 200)],
  ])(
    'stops a page past its time budget and reports it (%s)',
    async (_n, make) => {
      const engine = make();
      const hasty = new LocalPartitioner(
        { timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5 },
        undefined,
        engine,
      );
      try {
        await expect(
          hasty.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined),
        ).rejects.toThrow('OCR failed on it: OCR of the page took longer than 200 ms');
      } finally {
        await hasty.close();
      }
    },
    60_000,
  );

  it('without OCR the same page is a clear failure that names the remedy', async () => {
    await expect(
      noOcr.partition({ bytes: readFileSync(page), sourceType: 'pdf', filename: 'scan.pdf' }, () => undefined),
    ).rejects.toThrow('scanned pages need OCR (OCR=auto)');
  });
});

describe('OCR of pages poppler draws (no image pdf.js can give)', () => {
  const ROBUSTNESS = resolve(__dirname, '../../../../shared/datasets/pdf-corpus/robustness');
  const ocr = new LocalPartitioner(
    { timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5, textLayer: 'poppler' },
    undefined,
    new TesseractCliOcrEngine('eng'),
  );
  afterAll(() => ocr.close());

  const read = (file: string) =>
    ocr.partition({ bytes: readFileSync(join(ROBUSTNESS, file)), sourceType: 'pdf', filename: file }, () => undefined);

  it('reads text drawn as curves', async () => {
    const r = await read('ocrmypdf_vector_text_as_curves.pdf');
    expect(r.ocr?.pages).toEqual([1]);
    expect(r.elements.map((e) => e.text).join(' ')).toMatch(/Sample Vector PDF for Testing/);
  }, 60_000);

  it('reads a scan stored as a JBIG2 image mask', async () => {
    const r = await read('pdfminer_pdf-with-jbig2.pdf');
    expect(r.ocr?.pages).toEqual([1]);
    expect(r.elements.map((e) => e.text).join(' ')).toMatch(/Doesn/);
  }, 60_000);

  it('reads a page whose text layer is glyph codes (a font without a Unicode map) from its image instead', async () => {
    const r = await read('pdfminer_issue-791-non-unicode-cmap.pdf');
    expect(r.ocr?.pages).toEqual([1]);
    const text = r.elements.map((e) => e.text).join(' ');
    // "Peněžní prostředky na účtech", read with English data; the layer gave "3HQČåQt SURVWĜHGN\\ QD ~þWHFK".
    expect(text).toMatch(/prost\S*edky na/);
    expect(text).not.toMatch(/SURVW/);
  }, 60_000);

  it('keeps a text layer of glyph codes that OCR reads no better, and reports the page as unreadable', async () => {
    const noBetter = new LocalPartitioner(
      { timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5, textLayer: 'poppler' },
      undefined,
      {
        name: 'garbage',
        recognize: async () => [
          { baseline: 100, height: 20, words: [{ text: 'x7Q%zK', x0: 100, y0: 80, x1: 200, y1: 100, confidence: 20 }] },
        ],
        close: async () => undefined,
      },
    );
    try {
      const file = 'pdfminer_issue-791-non-unicode-cmap.pdf';
      const r = await noBetter.partition(
        { bytes: readFileSync(join(ROBUSTNESS, file)), sourceType: 'pdf', filename: file },
        () => undefined,
      );
      expect(r.ocr?.pages).toEqual([]);
      expect(r.elements.map((e) => e.text).join(' ')).toMatch(/SURVW/);
      expect(r.warnings).toEqual([
        {
          page: 1,
          code: 'PAGE_UNREADABLE',
          message: "page 1's text looks like glyph codes (a font without a Unicode map), and OCR read it no better",
        },
      ]);
    } finally {
      await noBetter.close();
    }
  }, 60_000);

  it('with OCR=force reads a page that has a good text layer from its image', async () => {
    const forced = new LocalPartitioner(
      { timeoutMs: 60_000, countImages: false, workers: 1, ocrMaxPages: 5, textLayer: 'poppler', ocrForce: true },
      undefined,
      new TesseractCliOcrEngine('eng'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'ocr-force-'));
    try {
      const page = join(dir, 'page.pdf');
      execFileSync('pdfseparate', [
        '-f',
        '8',
        '-l',
        '8',
        join(REAL_DOCS, 'cdc_prep_medication_guide_patient_brochure.pdf'),
        page,
      ]);
      const bytes = readFileSync(page);
      const plain = await ocr.partition({ bytes, sourceType: 'pdf', filename: 'p.pdf' }, () => undefined);
      expect(plain.ocr).toBeUndefined();
      const r = await forced.partition({ bytes, sourceType: 'pdf', filename: 'p.pdf' }, () => undefined);
      expect(r.ocr?.pages).toEqual([1]);
      const words = (x: typeof r) => new Set(contentWords(x.elements.map((e) => e.text).join(' ')));
      const [got, truth] = [words(r), words(plain)];
      expect([...truth].filter((w) => got.has(w)).length / truth.size).toBeGreaterThan(0.85);
    } finally {
      await forced.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('leaves a blank page undrawn: a clear failure, no OCR', async () => {
    await expect(read('camelot_empty_page.pdf')).rejects.toThrow('no page image OCR could read');
  });
});

describe('OCR of a document of several scanned pages', () => {
  it('reads pages two at a time, reports "ocr n/5" as it goes, and reports the pages past the document budget', async () => {
    let running = 0;
    let most = 0;
    const engine: OcrEngine = {
      name: 'slow',
      recognize: async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 400));
        running--;
        const word = { text: 'word', x0: 100, y0: 80, x1: 200, y1: 100, confidence: 90 };
        return [{ baseline: 100, height: 20, words: [word] }];
      },
      close: async () => undefined,
    };
    // Pages 1-2 start at once, 3-4 after 400 ms, page 5 at 800 ms: past the 600 ms budget.
    const p = new LocalPartitioner(
      {
        timeoutMs: 60_000,
        countImages: false,
        workers: 1,
        ocrMaxPages: 10,
        ocrConcurrency: 2,
        ocrDocumentTimeoutMs: 600,
      },
      undefined,
      engine,
    );
    const seen: string[] = [];
    try {
      const r = await p.partition(
        { bytes: readFileSync(join(REAL_DOCS, `${SCAN}.pdf`)), sourceType: 'pdf', filename: 'scan.pdf' },
        (done, total, stage) => stage === 'ocr' && seen.push(`${done}/${total}`),
      );
      expect(most).toBe(2);
      expect(seen).toEqual(['0/5', '1/5', '2/5', '3/5', '4/5', '5/5']);
      expect(r.ocr?.pages).toEqual([1, 2, 3, 4]);
      expect(r.warnings).toEqual([
        {
          page: 5,
          code: 'PAGE_WITHOUT_TEXT',
          message:
            "page 5 is an image without a text layer, and OCR failed on it: the document's OCR time budget of 0.6 s was spent",
        },
      ]);
    } finally {
      await p.close();
    }
  }, 60_000);
});
