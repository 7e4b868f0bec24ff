import { readFileSync } from 'node:fs';
import { LexicalReranker } from '../src/search/lexical.reranker';
import { argValue, openToolContext } from './tool-context';

/**
 * Where an uncached search's time goes: each part of the service's hybrid search (embedding, the
 * vector leg with its plan (or from memory), the full-text leg with and without the query expansion and the vectors
 * linear fusion needs, the rerank) called alone in-process, one query at a time, with its wall
 * time and the process CPU time (LanceDB's own threads included) per query. Prints one JSON line.
 *
 *   node search-profile.tool.js --queries q.json [--count 200] [--candidates 20]
 */
async function main(): Promise<void> {
  const queries = (
    JSON.parse(readFileSync(argValue('queries'), 'utf8')) as Array<{ collectionId: string; query: string }>
  ).slice(0, Number(argValue('count', '200')));
  const candidates = Number(argValue('candidates', '20'));
  const { repo, embedder, search } = await openToolContext();
  const reranker = new LexicalReranker();
  const vectors = await Promise.all(queries.map(async (q) => (await embedder.embed([q.query]))[0]));
  const reranked = await Promise.all(
    queries.map(async (q) =>
      (await repo.ftsSearch(q.query, { collectionId: q.collectionId }, 2 * candidates)).map((c) => ({
        chunk: c,
        vector: null,
        fts: c.score,
        fused: c.score,
      })),
    ),
  );
  const hybrid = { topK: 5, candidates, fusion: 'linear' as const, vectorWeight: 0.3, rerank: true };
  const parts: Record<string, (i: number) => Promise<unknown>> = {
    embed: (i) => embedder.embed([queries[i].query]),
    vector: (i) => repo.vectorSearch(vectors[i], { collectionId: queries[i].collectionId }, candidates),
    fts: (i) => repo.ftsSearch(queries[i].query, { collectionId: queries[i].collectionId }, candidates),
    ftsWithVectors: (i) =>
      repo.ftsSearch(queries[i].query, { collectionId: queries[i].collectionId }, candidates, true),
    rerank: async (i) => reranker.rerank(queries[i].query, reranked[i]),
    hybridWithoutExpansion: (i) => search.search({ ...queries[i], ...hybrid, mode: 'hybrid', expand: false }),
    hybrid: (i) => search.search({ ...queries[i], ...hybrid, mode: 'hybrid', expand: true }),
  };
  const out: Record<string, { wallMs: number; cpuMs: number }> = {};
  for (const [name, run] of Object.entries(parts)) {
    for (let i = 0; i < Math.min(20, queries.length); i++) await run(i);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < queries.length; i++) await run(i);
    const cpu = process.cpuUsage(cpu0);
    out[name] = {
      wallMs: round((performance.now() - t0) / queries.length),
      cpuMs: round((cpu.user + cpu.system) / 1000 / queries.length),
    };
  }
  process.stdout.write(
    JSON.stringify({
      queries: queries.length,
      plan: await repo.vectorPlan({ collectionId: queries[0].collectionId }),
      memoryCollections: ((await repo.stats()).memorySearch as { collections: number } | null)?.collections ?? 0,
      perQuery: out,
    }) + '\n',
  );
}

const round = (ms: number) => Math.round(ms * 100) / 100;

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`search profile failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
