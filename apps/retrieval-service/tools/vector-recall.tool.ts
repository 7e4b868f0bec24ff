import { readFileSync } from 'node:fs';
import { ChunkScope } from '../src/storage/filter';
import { VectorPlan } from '../src/storage/vector-plan';
import { argValue, openToolContext } from './tool-context';

interface Query {
  collectionId: string;
  query: string;
  vector?: number[];
}

/**
 * LanceDB's vector search's recall@k against an exact scan of the same filtered rows, and its latency,
 * for filters keeping 100%, 10% and 1% of a collection seeded by seed-synthetic (data types in
 * fixed shares), and memory search's against the same scan where the collections are held in memory.
 * Prints one JSON line. `--sweep` also measures a grid of explicit probes and refine factors.
 *
 *   node vector-recall.tool.js --queries q.json [--count 100] [--k 20] [--sweep]
 */
async function main(): Promise<void> {
  const queries = (JSON.parse(readFileSync(argValue('queries'), 'utf8')) as Query[]).slice(
    0,
    Number(argValue('count', '100')),
  );
  const k = Number(argValue('k', '20'));
  // LanceDB's index and plans, as searched for collections too large for memory (which is exact).
  const { repo, embedder } = await openToolContext({ SEARCH_MEMORY_MB: '0' });
  const vectors = await Promise.all(
    queries.map(async (q) => (q.vector ? Float32Array.from(q.vector) : (await embedder.embed([q.query]))[0])),
  );
  // Each collection is a table of its own: the shares are of the query's collection.
  const cells: Array<{ share: number; scope: (q: Query) => ChunkScope }> = [
    { share: 100, scope: (q) => ({ collectionId: q.collectionId }) },
    { share: 10, scope: (q) => ({ collectionId: q.collectionId, dataTypes: ['image_summary', 'table_html'] }) },
    { share: 1, scope: (q) => ({ collectionId: q.collectionId, dataTypes: ['image_summary'] }) },
  ];
  const sweep: Array<VectorPlan | undefined> = [undefined];
  if (process.argv.includes('--sweep')) {
    for (const nprobes of [10, 20, 30, 50, 80])
      for (const refineFactor of [0, 2, 5, 10]) sweep.push({ kind: 'ann', nprobes, refineFactor });
  }
  const out = [];
  for (const cell of cells) {
    const exact: Array<Set<string>> = [];
    const exactMs: number[] = [];
    for (const [i, q] of queries.entries()) {
      const t0 = performance.now();
      exact.push(
        new Set(
          (await repo.vectorSearch(vectors[i], cell.scope(q), k, { plan: { kind: 'exact' } })).map((c) => c.chunk_id),
        ),
      );
      exactMs.push(performance.now() - t0);
    }
    for (const plan of sweep) {
      let found = 0;
      let expected = 0;
      const ms: number[] = [];
      for (const [i, q] of queries.entries()) {
        const t0 = performance.now();
        const got = await repo.vectorSearch(vectors[i], cell.scope(q), k, { plan });
        ms.push(performance.now() - t0);
        found += got.filter((c) => exact[i].has(c.chunk_id)).length;
        expected += exact[i].size;
      }
      const scope = cell.scope(queries[0]);
      out.push({
        share: cell.share,
        plan: plan ?? (await repo.vectorPlan(scope)),
        auto: !plan,
        recall: expected ? found / expected : null,
        p50Ms: median(ms),
        exactP50Ms: median(exactMs),
      });
    }
  }
  // Memory search (collections of up to SEARCH_MEMORY_MAX_ROWS) against the same exact scan.
  const memory = await openToolContext();
  const memoryCollections = ((await memory.repo.stats()).memorySearch as { collections: number } | null)?.collections;
  const memoryCells = [];
  if (memoryCollections) {
    for (const cell of cells) {
      let found = 0;
      let expected = 0;
      const ms: number[] = [];
      for (const [i, q] of queries.entries()) {
        const exact = new Set(
          (await repo.vectorSearch(vectors[i], cell.scope(q), k, { plan: { kind: 'exact' } })).map((c) => c.chunk_id),
        );
        const t0 = performance.now();
        const got = await memory.repo.vectorSearch(vectors[i], cell.scope(q), k);
        ms.push(performance.now() - t0);
        found += got.filter((c) => exact.has(c.chunk_id)).length;
        expected += exact.size;
      }
      memoryCells.push({ share: cell.share, recall: expected ? found / expected : null, p50Ms: median(ms) });
    }
  }
  process.stdout.write(JSON.stringify({ k, queries: queries.length, cells: out, memoryCells }) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 100) / 100;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`vector recall failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
