import { DATASETS, ROOT } from '@rag/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchContext } from './bench-context';
import { BenchResults, commit, machine, meets, writeResults } from './report';
import { ingestAndQuality } from './stages/ingest-quality.stage';
import { textFidelity } from './stages/fidelity.stage';
import { ocrQuality } from './stages/ocr.stage';
import { realDocs } from './stages/real-docs.stage';
import { replicaScaling } from './stages/replicas.stage';
import { robustness } from './stages/robustness.stage';
import { searchAtScale } from './stages/scale.stage';
import { soak } from './stages/soak.stage';
import { tableExtraction } from './stages/tables.stage';

export const STAGES = {
  ingest: ingestAndQuality,
  fidelity: textFidelity,
  realdocs: realDocs,
  ocr: ocrQuality,
  scale: searchAtScale,
  replicas: replicaScaling,
  tables: tableExtraction,
  robustness,
  soak,
} as const;
export type StageName = keyof typeof STAGES;

export interface RunOptions {
  quick: boolean;
  only?: StageName[];
  scaleRows?: number[];
  jsonPath: string;
  mdPath: string;
  log?: (msg: string) => void;
}

/** Runs the stages in order against real services, then writes the JSON and Markdown results. */
export async function runBench(opts: RunOptions): Promise<BenchResults> {
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'rag-bench-'));
  const ctx: BenchContext = {
    quick: opts.quick,
    scaleRows: opts.scaleRows,
    datasets: DATASETS,
    workDir,
    figures: [],
    details: {},
    log: opts.log ?? ((m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`)),
  };
  try {
    for (const name of Object.keys(STAGES) as StageName[]) {
      if (opts.only && !opts.only.includes(name)) continue;
      ctx.log(`stage ${name}`);
      // The scale stage needs a vocabulary from the ingest stage; alone, it makes its own.
      await STAGES[name](ctx);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const results: BenchResults = {
    machine: machine(),
    date: new Date().toISOString(),
    commit: commit(),
    quick: opts.quick,
    durationSeconds: (Date.now() - started) / 1000,
    figures: ctx.figures,
    details: ctx.details,
  };
  writeResults(results, opts.jsonPath, opts.mdPath);
  return results;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only='));
  const only = onlyArg ? (onlyArg.slice(7).split(',') as StageName[]) : undefined;
  const rowsArg = args.find((a) => a.startsWith('--scale-rows='));
  const scaleRows = rowsArg ? rowsArg.slice(13).split(',').map(Number) : undefined;
  // Only a full run replaces the published results; quick and partial runs write beside them.
  const published = !quick && !only && !scaleRows;
  const out = join(ROOT, 'bench/results', quick ? 'quick' : published ? '' : 'partial');
  runBench({
    quick,
    only,
    scaleRows,
    jsonPath: join(out, 'latest.json'),
    mdPath: published ? join(ROOT, 'bench/RESULTS.md') : join(out, 'RESULTS.md'),
  }).then(
    (r) => {
      const failing = r.figures.filter((f) => meets(f) === false);
      process.stderr.write(
        `bench done in ${Math.round(r.durationSeconds)} s; ${r.figures.length} figures, ${failing.length} below their floor\n`,
      );
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(
        `bench failed: ${(err as Error).stack ?? String(err)}${(err as Error).cause ? `\ncaused by: ${String((err as Error).cause)}` : ''}\n`,
      );
      process.exit(1);
    },
  );
}
