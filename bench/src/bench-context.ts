import { Figure } from './report';

/** What every stage gets: where the data is, how big to go, and where figures and details go. */
export interface BenchContext {
  quick: boolean;
  /** Table sizes of the scale stage when not its defaults (`--scale-rows=100000`). */
  scaleRows?: number[];
  datasets: string;
  workDir: string;
  figures: Figure[];
  details: Record<string, unknown>;
  log(msg: string): void;
}

export function figure(ctx: BenchContext, f: Figure): void {
  ctx.figures.push(f);
  ctx.log(
    `${f.section} / ${f.name}: ${f.value === null ? `n/a (${f.note ?? 'not measured'})` : `${f.value} ${f.unit}`}`,
  );
}
