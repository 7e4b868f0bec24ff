import { readFileSync } from 'node:fs';
import { argValue, openToolContext } from './tool-context';

/**
 * Baseline for the benchmark: the same hybrid search the service runs (embedding, vector + FTS,
 * fusion, rerank) called in-process on LanceDB, without the bus. Prints one JSON line of latencies.
 *
 *   node direct-search.tool.js --queries q.json [--mode hybrid] [--repeat 1] [--warmup 20]
 */
async function main(): Promise<void> {
  const queries = JSON.parse(readFileSync(argValue('queries'), 'utf8')) as Array<{
    collectionId: string;
    query: string;
  }>;
  const mode = argValue('mode', 'hybrid') as 'hybrid' | 'vector' | 'fts';
  const repeat = Number(argValue('repeat', '1'));
  const warmup = Number(argValue('warmup', '20'));
  const { search } = await openToolContext();
  const run = (q: { collectionId: string; query: string }) =>
    search.search({
      ...q,
      mode,
      topK: 5,
      candidates: 20,
      fusion: 'linear',
      vectorWeight: 0.3,
      rerank: true,
      expand: true,
    });
  for (const q of queries.slice(0, warmup)) await run(q);
  const latenciesMs: number[] = [];
  let hits = 0;
  const stages = { embedMs: 0, vectorMs: 0, ftsMs: 0, totalMs: 0 };
  for (let r = 0; r < repeat; r++) {
    for (const q of queries) {
      const t0 = performance.now();
      const res = await run(q);
      latenciesMs.push(performance.now() - t0);
      if (res.results.length) hits++;
      for (const k of Object.keys(stages) as Array<keyof typeof stages>)
        stages[k] += res.timings[k] / queries.length / repeat;
    }
  }
  const rssBytes = process.memoryUsage().rss;
  process.stdout.write(JSON.stringify({ latenciesMs, withResults: hits, meanStageMs: stages, rssBytes }) + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`direct search failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
