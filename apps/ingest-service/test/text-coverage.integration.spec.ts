import { textCoverage } from '@rag/ai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chunkElements } from '../src/chunking/chunker';
import { LocalPartitioner } from '../src/partition/local.partitioner';
import { withoutC0 } from '../src/partition/page-layout';

const DATASETS = resolve(__dirname, '../../../../shared/datasets');

// One book, a two-column report, a leaflet with call-out boxes and a small-format brochure;
// each must keep 99.5% of pdftotext's lines (lines of 6+ words, letters and digits compared).
const FILES = [
  'pubmedqa-books/pubmed-abstracts-vol02.pdf',
  'real-docs/cdc_mmwr_2021_prep_awareness_disparities_23_urban_areas.pdf',
  'real-docs/cdc_understanding_your_hiv_test_results_patient_brochure.pdf',
  'real-docs/cdc_prep_medication_guide_patient_brochure.pdf',
];

// Poppler's text layer (the default) and pdf.js alone (its fallback for files poppler refuses).
describe.each(['poppler', 'pdfjs'] as const)(
  'text coverage of the local partitioner and chunker against pdftotext (%s text layer)',
  (textLayer) => {
    const partitioner = new LocalPartitioner({ timeoutMs: 60_000, countImages: false, workers: 1, textLayer });
    afterAll(() => partitioner.close());
    const partition = (path: string) =>
      partitioner.partition(
        { bytes: readFileSync(path), sourceType: 'pdf', filename: basename(path) },
        () => undefined,
      );

    it.each(FILES)('%s keeps at least 99.5% of the text layer', async (file) => {
      const path = join(DATASETS, file);
      const r = await partition(path);
      const chunks = chunkElements(r.elements, { maxTokens: 350, overlapTokens: 40 });
      const reference = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', path, '-'], {
        maxBuffer: 1 << 28,
      }).toString('utf8');
      const cov = textCoverage(reference, chunks);
      expect(cov.lines).toBeGreaterThan(100);
      if (cov.coverage < 0.995)
        throw new Error(
          `${file}: ${(cov.coverage * 100).toFixed(2)}% kept; missing e.g.\n${cov.missing.slice(0, 5).join('\n')}`,
        );
    });

    it('emits no table for the prose pages of a three-column print', async () => {
      const path = join(DATASETS, 'real-docs/federal_register_2020_17221_faa_boeing_737max_nprm.pdf');
      const r = await partition(path);
      // Pages 5-6 hold the cost table; every other page is prose in three columns.
      const falseTables = r.elements.filter((e) => e.kind === 'table' && e.page !== 5 && e.page !== 6);
      expect(falseTables.map((t) => `p${t.page}: ${t.text.slice(0, 80)}`)).toEqual([]);
      expect(r.repeatedLinesDropped).toBeGreaterThan(0);
    });

    it('keeps a ruled table whole on a page whose crop box is offset from its media box', async () => {
      // The rules come from pdf.js (crop-box frame); the text must be in the same frame or the grid misses a column.
      const path = join(DATASETS, 'pdf-corpus/tables/camelot_superscript.pdf');
      const r = await partition(path);
      const tables = r.elements.filter((e) => e.kind === 'table');
      expect(tables).toHaveLength(1);
      const rows = tables[0].text.split('\n').map((row) => row.split(' | '));
      expect(rows[0]).toHaveLength(11);
      expect(rows[rows.length - 1]).toEqual([
        'ALL STATES',
        '513.38',
        '436.02',
        '-',
        '25.57',
        '51.06',
        '14.18',
        '-',
        '8.21',
        '11.83',
        '11.08',
      ]);
    });

    it('reads prose beside a sidebar set on a tint as prose, not as one table of the page', async () => {
      // Page 4: intervals and services ruled between rows on the left, a tinted sidebar of prose on the right.
      const path = join(DATASETS, 'real-docs/cdc_clinicians_quick_guide_oral_hiv_prep.pdf');
      const r = await partition(path);
      const page4 = r.elements.filter((e) => e.page === 4);
      expect(page4.filter((e) => e.kind === 'table').map((e) => e.text.slice(0, 80))).toEqual([]);
      const text = page4.map((e) => e.text).join('\n');
      expect(text).toContain('Repeat HIV antigen/antibody and HIV-1 RNA tests and assess for signs or symptoms');
      expect(text).toContain('How Can My Patients Get Help Paying for Oral PrEP?');
    });

    it('keeps the columns of a justified page apart where a line comes one word at a time', async () => {
      const path = join(DATASETS, 'real-docs/bmc_hsr_2014_quality_improvement_barriers_resource_limited.pdf');
      const r = await partition(path);
      const text = r.elements.map((e) => e.text).join('\n');
      expect(text).toContain('find their way round the department without significant difficulty');
      expect(text).toContain(
        'the Medical Department’, ‘weaknesses or challenges of quality improvement’ and ‘suggestions',
      );
    });

    it('reads a table ruled between rows whose tips wrap beside Wingdings ticks, the ticks as ✓', async () => {
      const path = join(DATASETS, 'real-docs/cdc_prep_medication_guide_patient_brochure.pdf');
      const r = await partition(path);
      const tables = r.elements.filter((e) => e.kind === 'table' && e.page === 6);
      expect(tables).toHaveLength(1);
      expect(tables[0].rows?.[0]).toEqual(['Tips You Can Use', 'Oral PrEP', 'PrEP Injections']);
      expect(tables[0].rows).toHaveLength(9);
      expect(tables[0].rows?.[6]).toEqual([
        'Add a reminder on your phone or circle the date on a calendar for when it’s time for your next PrEP injection appointment.',
        '',
        '✓',
      ]);
      expect(r.elements.some((e) => /[\uF020-\uF0FF]/.test(e.text))).toBe(false);
    });

    it('reads the schedule: a vaccine and its abbreviation in one row, and the striped contraindications table whole', async () => {
      const path = join(DATASETS, 'real-docs/cdc_adult_immunization_schedule_2025.pdf');
      const r = await partition(path);
      const schedule = r.elements.find((e) => e.kind === 'table' && e.page === 2);
      expect(schedule?.headerRows).toBe(1);
      expect(
        schedule?.rows?.some(
          (row) => row[0] === 'Varicella (VAR)' && row.includes('2 doses (if born in 1980 or later)'),
        ),
      ).toBe(true);
      const appendix = r.elements.filter((e) => e.kind === 'table' && e.page === 13);
      expect(appendix).toHaveLength(1);
      // pdf.js reads the PDF's non-breaking hyphens (U+2011) as they are; poppler as hyphens.
      expect(appendix[0].rows?.map((row) => row[0].replace(/\u2011/g, '-'))).toEqual([
        'Vaccines and Other Immunizing Agents',
        'COVID–19 mRNA vaccines [Pfizer–BioNTech, Moderna]',
        'COVID–19 protein subunit vaccine [Novavax]',
        'Influenza, egg-based, inactivated injectable (IIV3)',
        'Influenza, cell culture–based inactivated injectable (ccIIV3) [Flucelvax]',
        'Influenza, recombinant injectable (RIV3) [Flublok]',
        'Influenza, live attenuated (LAIV3) [Flumist]',
      ]);
      const text = r.elements.map((e) => e.text).join('\n');
      // The legend's "R" is drawn over a zero-width control character; no word is parted at it.
      expect(text).toContain('Recommended vaccination for adults who meet age requirement');
      expect(text).not.toContain('requirement,R');
      expect(text).not.toMatch(/[\uF020-\uF0FF]/);
      expect(withoutC0(text)).toBe(text);
    });

    it('names the image-only pages of a mixed document in warnings instead of dropping them silently', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mixed-'));
      try {
        const mixed = join(dir, 'mixed.pdf');
        // 5 text pages, then 3 scanned pages without a text layer.
        execFileSync('pdfunite', [
          join(DATASETS, 'real-docs/cdc_mmwr_2021_prep_awareness_disparities_23_urban_areas.pdf'),
          join(DATASETS, 'real-docs/cdc_mmwr_2021_prep_awareness_disparities_23_urban_areas_scanned.pdf'),
          mixed,
        ]);
        const r = await partition(mixed);
        expect(r.pages).toBe(8);
        expect(r.warnings?.map((w) => [w.page, w.code])).toEqual([
          [6, 'PAGE_WITHOUT_TEXT'],
          [7, 'PAGE_WITHOUT_TEXT'],
          [8, 'PAGE_WITHOUT_TEXT'],
        ]);
        expect(r.elements.some((e) => e.page > 5)).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
