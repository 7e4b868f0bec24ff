import { readingOrder, textCoverage } from '@rag/ai';
import { Stack } from '@rag/testing';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { uploadFiles, waitForTasks } from '../http';
import { rawPdfJsExtraction } from '../pdf-baseline';
import { round } from '../stats';

/**
 * Pages of real-docs that hold a table, from the dataset's MANIFEST.tsv descriptions; a table
 * chunk on any other page is a false table. Files not listed here are left out of that figure.
 */
const REAL_DOCS_TABLE_PAGES: Record<string, number[]> = {
  'cdc_adult_immunization_schedule_2025.pdf': [1, 2, 3, 13, 14, 15],
  'cdc_prep_medication_guide_patient_brochure.pdf': [6],
  'cdc_understanding_your_hiv_test_results_patient_brochure.pdf': [],
  'cdc_clinicians_quick_guide_oral_hiv_prep.pdf': [4],
  'cdc_mmwr_2021_prep_awareness_disparities_23_urban_areas.pdf': [2],
  'bmc_hsr_2014_quality_improvement_barriers_resource_limited.pdf': [4, 5, 6],
  'cermine_metadata_extraction_slide_deck.pdf': [18],
  'fda_openfda_drug_adverse_event_field_reference_table.pdf': [1],
  'federal_register_2020_17221_faa_boeing_737max_nprm.pdf': [5, 6],
  'ukhsa_health_protection_report_v19_issue5_2025_webprint.pdf': [6],
};

interface Corpus {
  name: string;
  files: string[];
  /** Pages with a table per file name; undefined: unknown (no false-table figure); a missing file: no table anywhere. */
  tablePages?: Record<string, number[]>;
}

interface StoredChunk {
  text: string;
  dataType: string;
  pageNumber: number;
}

/**
 * Text fidelity: every corpus through POST /upload, the stored chunks read back through the API,
 * and each file's `pdftotext -raw` lines (6+ words) looked for in them, in the same run; then the
 * junctions of consecutive lines in pdftotext's reading order (`readingOrder`). Also the share of
 * table chunks on pages that have no table, and ingest pages/s beside raw pdf.js.
 */
export async function textFidelity(ctx: BenchContext): Promise<void> {
  const section = 'Text fidelity';
  const pdfs = (dir: string) =>
    readdirSync(join(ctx.datasets, dir))
      .filter((f) => f.endsWith('.pdf') && !f.includes('_scanned'))
      .sort()
      .map((f) => join(ctx.datasets, dir, f));
  const corpora: Corpus[] = [
    { name: 'pubmedqa-books', files: pdfs('pubmedqa-books').slice(0, ctx.quick ? 2 : undefined), tablePages: {} },
    {
      name: 'real-docs (born-digital)',
      files: pdfs('real-docs').slice(0, ctx.quick ? 3 : undefined),
      tablePages: REAL_DOCS_TABLE_PAGES,
    },
    { name: 'pdf-corpus/tables', files: pdfs('pdf-corpus/tables').slice(0, ctx.quick ? 3 : undefined) },
  ];
  const stack = new Stack({
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    BUS_TIMEOUT_MS: '10000',
    PDF_TEXT_LAYER: process.env.BENCH_PDF_TEXT_LAYER ?? 'auto',
  });
  const perFile: Array<Record<string, unknown>> = [];
  try {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service')]);
    const base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    for (const [ci, corpus] of corpora.entries()) {
      // Raw pdf.js before and after the ingest, averaged: these shared machines drift within a minute.
      const rawBefore = await rawPdfJsExtraction(corpus.files);
      const collection = `fidelity${ci}`;
      const t0 = performance.now();
      // Tasks by filename: the reply need not list the files in the order they were sent.
      const taskOf = new Map<string, string>();
      // At most 20 files per upload (the gateway's default limit).
      for (let i = 0; i < corpus.files.length; i += 20) {
        const res = await uploadFiles(base, collection, corpus.files.slice(i, i + 20));
        if (res.status !== 202) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
        for (const f of res.body.files as Array<{ filename: string; taskId: string }>) taskOf.set(f.filename, f.taskId);
      }
      const ids = [...taskOf.values()];
      const tasks = await waitForTasks(base, ids, 20 * 60_000);
      const wallMs = Math.max(...[...tasks.values()].map((t) => t.seenAt)) - t0;
      let kept = 0;
      let keptAsCells = 0;
      let keptInTwoParts = 0;
      let counted = 0;
      let runningDropped = 0;
      let tableChunks = 0;
      let falseTableChunks = 0;
      let chunksOnProsePages = 0;
      let pages = 0;
      let pagesUnread = 0;
      let junctions = 0;
      let junctionsKept = 0;
      for (const file of corpus.files) {
        const name = basename(file);
        const task = tasks.get(taskOf.get(name) ?? '');
        const reference = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], {
          maxBuffer: 1 << 28,
        }).toString('utf8');
        const chunks: StoredChunk[] = [];
        if (task?.state === 'SUCCESS') {
          for (let offset: number | null = 0; offset !== null;) {
            const r = await fetch(
              `${base}/collections/${collection}/documents/${task.documentId}/chunks?offset=${offset}&limit=1000`,
            );
            const page = (await r.json()) as { chunks: StoredChunk[]; nextOffset: number | null };
            chunks.push(...page.chunks);
            offset = page.nextOffset;
          }
          pages += task.counts.pages;
          pagesUnread += task.counts.pagesUnread;
        }
        // A file that failed (e.g. no text layer at all) counts with nothing kept.
        const cov = textCoverage(reference, chunks);
        // pdftotext's default mode reads a page column by column: the reference for reading order.
        const order = readingOrder(
          execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 1 << 28 }).toString('utf8'),
          chunks,
        );
        junctions += order.junctions;
        junctionsKept += order.kept;
        kept += cov.kept;
        keptAsCells += cov.keptAsCells;
        keptInTwoParts += cov.keptInTwoParts;
        counted += cov.lines - cov.runningDropped;
        runningDropped += cov.runningDropped;
        const tables = chunks.filter((c) => c.dataType === 'table_html');
        tableChunks += tables.length;
        const truth = corpus.tablePages && (corpus.tablePages[name] ?? []);
        if (truth) {
          falseTableChunks += tables.filter((c) => !truth.includes(c.pageNumber)).length;
          chunksOnProsePages += chunks.filter((c) => !truth.includes(c.pageNumber)).length;
        }
        perFile.push({
          corpus: corpus.name,
          file: name,
          state: task?.state ?? 'TIMEOUT',
          coverage: round(cov.coverage * 100, 2),
          verbatim: round(cov.verbatim * 100, 2),
          lines: cov.lines,
          runningDropped: cov.runningDropped,
          keptInTwoParts: cov.keptInTwoParts,
          tableChunks: tables.length,
          missingExamples: cov.missing.slice(0, 3),
          readingOrder: round((100 * order.kept) / Math.max(1, order.junctions), 2),
          junctionsMissing: order.missing.slice(0, 3),
        });
      }
      const label = `${corpus.name} (${corpus.files.length} files)`;
      figure(ctx, {
        section,
        name: `${label}: pdftotext lines of 6+ words found in the stored chunks`,
        value: round((100 * kept) / Math.max(1, counted), 2),
        unit: '%',
        floor: { op: '>=', value: 99.5, source: 'issue 15' },
        note: `${kept} of ${counted}, of which ${keptInTwoParts} found as two runs (a -raw line across two columns); ${runningDropped} running header/footer lines dropped and counted apart`,
      });
      figure(ctx, {
        section,
        name: `${label}: of those, found in reading order (not only inside one table's cells)`,
        value: round((100 * (kept - keptAsCells)) / Math.max(1, counted), 2),
        unit: '%',
      });
      figure(ctx, {
        section,
        name: `${label}: junctions of consecutive prose lines (5+ words) in pdftotext's reading order found in the stored chunks`,
        value: round((100 * junctionsKept) / Math.max(1, junctions), 2),
        unit: '%',
        note: `${junctionsKept} of ${junctions}: the last two words of a line and the first two of the next, together; a page read across its columns breaks them though every line stays whole`,
      });
      if (corpus.tablePages) {
        figure(ctx, {
          section,
          name: `${label}: table chunks on pages without a table, share of the chunks on those pages`,
          value: round((100 * falseTableChunks) / Math.max(1, chunksOnProsePages), 2),
          unit: '%',
          note: `${falseTableChunks} of ${chunksOnProsePages}; ${tableChunks} table chunks in all`,
        });
      }
      const pagesPerSec = pages / (wallMs / 1000);
      // After the read-back, so the index refresh that follows a burst of writes has finished.
      const rawAfter = await rawPdfJsExtraction(corpus.files);
      const raw = { pages: rawBefore.pages, ms: (rawBefore.ms + rawAfter.ms) / 2 };
      const rawPerSec = raw.pages / (raw.ms / 1000);
      figure(ctx, {
        section,
        name: `${label}: ingest through POST /upload until SUCCESS`,
        value: round(pagesPerSec, 1),
        unit: 'pages/s',
        note: `raw pdf.js on the same files in this run: ${round(rawPerSec, 1)} pages/s (before the ingest ${round(raw.pages / (rawBefore.ms / 1000), 1)}, after ${round(raw.pages / (rawAfter.ms / 1000), 1)}); pages not read: ${pagesUnread}`,
      });
      figure(ctx, {
        section,
        name: `${label}: ratio ingest / raw pdf.js`,
        value: round(pagesPerSec / rawPerSec, 2),
        unit: '×',
        floor:
          corpus.name === 'pubmedqa-books' && !ctx.quick ? { op: '>=', value: 1.0, source: 'issue 15' } : undefined,
      });
    }
    ctx.details.fidelity = perFile;
  } finally {
    await stack.stop();
  }
}
