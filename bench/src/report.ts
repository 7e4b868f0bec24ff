import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** One published figure, compared with the floor an issue sets for it (when there is one). */
export interface Figure {
  section: string;
  name: string;
  value: number | null;
  unit: string;
  floor?: { op: '>=' | '<='; value: number; source: string };
  note?: string;
}

export interface BenchResults {
  machine: { hostname: string; cpus: string; cores: number; memoryGiB: number; node: string; platform: string };
  date: string;
  commit: string;
  quick: boolean;
  durationSeconds: number;
  figures: Figure[];
  details: Record<string, unknown>;
}

export const meets = (f: Figure): boolean | null =>
  f.floor === undefined || f.value === null || Number.isNaN(f.value)
    ? null
    : f.floor.op === '>='
      ? f.value >= f.floor.value
      : f.value <= f.floor.value;

export function machine(): BenchResults['machine'] {
  return {
    hostname: hostname(),
    cpus: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function commit(): string {
  try {
    const sha = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    // The results files this run writes do not make the measured code dirty.
    const changed = execSync(
      'git status --porcelain --untracked-files=no -- . ":!bench/results" ":!bench/RESULTS.md"',
      { encoding: 'utf8' },
    ).trim();
    const dirty = changed ? '-dirty' : '';
    return sha + dirty;
  } catch {
    return 'unknown';
  }
}

export function writeResults(results: BenchResults, jsonPath: string, mdPath: string): void {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(mdPath, renderMarkdown(results));
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\`${r.quick ? ' (quick variant: small sizes, figures not comparable with the floors)' : ''}; do not edit by hand.`,
    '',
    `- date: ${r.date}`,
    `- commit: ${r.commit}`,
    `- machine: ${m.hostname}, ${m.cores} × ${m.cpus}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
    `- run time: ${Math.round(r.durationSeconds)} s`,
    '',
  ];
  const sections = [...new Set(r.figures.map((f) => f.section))];
  for (const s of sections) {
    lines.push(`## ${s}`, '', '| figure | value | floor | meets |', '| --- | --- | --- | --- |');
    for (const f of r.figures.filter((x) => x.section === s)) {
      const v = f.value === null || Number.isNaN(f.value) ? 'n/a' : `${f.value} ${f.unit}`.trim();
      const floor = f.floor ? `${f.floor.op} ${f.floor.value} ${f.unit} (${f.floor.source})` : '';
      const ok = meets(f);
      lines.push(
        `| ${f.name}${f.note ? ` — ${f.note}` : ''} | ${v} | ${floor} | ${ok === null ? '' : ok ? 'yes' : '**no**'} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
