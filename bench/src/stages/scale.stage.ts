import { RetrievalHealth, RetrievalSearch } from '@rag/contracts';
import { BusClient, RedisStreamsClient } from '@rag/platform';
import { testRedisUrl } from '@rag/platform/testing';
import { ROOT, Stack } from '@rag/testing';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchContext, figure } from '../bench-context';
import { runNode } from '../child';
import { Figure } from '../report';
import { percentiles, procStatusKb, round } from '../stats';

type Query = { collectionId: string; query: string };
// Built by scripts/bench.sh (retrieval-service:build-tools), not shipped with the service.
const TOOLS = join(ROOT, 'dist/tools/retrieval-service/apps/retrieval-service/tools');

/** Bytes of every file under `dir`. */
function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/**
 * Stages 3 and 4: a synthetic table of N chunks written straight into LanceDB by the retrieval
 * service's own repository, then hybrid search latency through the bus and in-process (same
 * queries, same run), the retrieval service's memory, chat time to first byte, and POST /search
 * throughput through the gateway under load from a second process.
 */
export async function searchAtScale(ctx: BenchContext): Promise<void> {
  const sizes = ctx.scaleRows ?? (ctx.quick ? [3000] : [100_000, 1_000_000]);
  if (!ctx.details.vocabPath || !existsSync(ctx.details.vocabPath as string)) {
    // Run alone: take the vocabulary from the questions file (smaller, still real medical words).
    const counts = new Map<string, number>();
    for (const l of readFileSync(join(ctx.datasets, 'pubmedqa-books/queries.dev.jsonl'), 'utf8').trim().split('\n')) {
      for (const w of (JSON.parse(l).question as string).toLowerCase().match(/[a-z][a-z-]{1,30}/g) ?? [])
        counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    ctx.details.vocabPath = join(ctx.workDir, 'vocab.json');
    writeFileSync(ctx.details.vocabPath as string, JSON.stringify([...counts.entries()]));
  }
  const scale: Record<string, unknown> = {};
  ctx.details.scale = scale;
  for (const rows of sizes) scale[String(rows)] = await oneSize(ctx, rows, rows === sizes[0]);
}

async function oneSize(ctx: BenchContext, rows: number, withChatAndLoad: boolean): Promise<Record<string, unknown>> {
  const section = `Search at ${rows.toLocaleString('en')} chunks`;
  const lanceDir = join(ctx.workDir, `lance-${rows}`);
  const queriesPath = join(ctx.workDir, `queries-${rows}.json`);
  const env = {
    LANCEDB_URI: lanceDir,
    REDIS_URL: testRedisUrl(),
    LOG_LEVEL: 'warn',
    ...(ctx.quick ? { VECTOR_INDEX_MIN_ROWS: '1000' } : {}),
  };
  ctx.log(`seeding ${rows} synthetic chunks`);
  const seed = await runNode(
    [
      join(TOOLS, 'seed-synthetic.tool.js'),
      '--rows',
      String(rows),
      '--vocab',
      ctx.details.vocabPath as string,
      '--queries-out',
      queriesPath,
      '--queries',
      ctx.quick ? '60' : '500',
    ],
    env,
    ctx.log,
  );
  const queries = JSON.parse(readFileSync(queriesPath, 'utf8')) as Query[];
  const out: Record<string, unknown> = { seed };
  // Load and index times and the table's size on disk, for the projection to larger tables (docs/operations.md).
  const diskMb = round(dirBytes(lanceDir) / 2 ** 20, 0);
  out.diskMb = diskMb;
  figure(ctx, {
    section,
    name: `LanceDB table of ${rows.toLocaleString('en-US')} chunks (512-dimension vectors, text, full-text and vector indices): written in ${round(seed.loadMs / 1000, 0)} s, indexed in ${round(seed.indexMs / 1000, 0)} s; on disk right after, with the older versions that maintenance prunes after 10 minutes`,
    value: diskMb,
    unit: 'MB',
  });
  out.recall = await vectorRecall(
    ctx,
    section,
    'word-salad text, local embedder (a worst case for IVF)',
    env,
    queriesPath,
  );
  out.profile = await searchProfile(ctx, section, env, queriesPath);
  // A second table of vectors with topics, standing in for a neural embedder, one collection (filters of 100% are real).
  const clusteredDir = `${lanceDir}-clustered`;
  const clusteredEnv = { ...env, LANCEDB_URI: clusteredDir };
  const clusteredQueries = join(ctx.workDir, `queries-${rows}-clustered.json`);
  await runNode(
    [
      join(TOOLS, 'seed-synthetic.tool.js'),
      '--rows',
      String(rows),
      '--vocab',
      ctx.details.vocabPath as string,
      '--queries-out',
      clusteredQueries,
      '--queries',
      '100',
      '--collections',
      '1',
      '--vectors',
      'clustered',
    ],
    clusteredEnv,
    ctx.log,
  );
  out.recallClustered = await vectorRecall(
    ctx,
    section,
    'clustered vectors (a stand-in for a neural embedder)',
    clusteredEnv,
    clusteredQueries,
  );
  rmSync(clusteredDir, { recursive: true, force: true });

  const stack = new Stack({
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    BUS_TIMEOUT_MS: '10000',
    MAINTENANCE_INTERVAL_MS: '3600000',
  });
  const bus = new BusClient(
    new RedisStreamsClient({ redisUrl: testRedisUrl(), prefix: stack.prefix, pickupTimeoutMs: 10_000 }),
    10_000,
  );
  try {
    // Collections of up to SEARCH_MEMORY_MAX_ROWS (default 50,000) are searched from memory once their
    // snapshots are built (at start); larger ones in LanceDB.
    // Every collection seeded, not only those the queries name: a build still running competes with the timed searches.
    const collections = seed.collections as number;
    const inMemory = rows / collections <= 50_000 ? collections : 0;
    const warm = async () => {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const health = await bus.request(RetrievalHealth, {});
        const held = (health.details as { memorySearch?: { collections: number } }).memorySearch?.collections ?? 0;
        if (held >= inMemory) return;
        if (Date.now() > deadline) throw new Error(`${held} of ${inMemory} collections held in memory after 300 s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    // Latency, memory and chat figures are for searches that really run: the reply cache is off.
    let retrieval = await stack.start('retrieval-service', { LANCEDB_URI: lanceDir, SEARCH_CACHE_MB: '0' });
    await warm();
    const rssIdleKb = procStatusKb(retrieval.proc.pid!, 'VmRSS');
    // What the bus adds to each search: its round trip less the time the replica says it searched.
    const busCostMs: number[] = [];
    const viaBus = async (): Promise<number[]> => {
      const ms: number[] = [];
      for (const q of queries) {
        const t0 = performance.now();
        const reply = await bus.request(RetrievalSearch, { ...q, topK: 5 });
        ms.push(performance.now() - t0);
        busCostMs.push(ms[ms.length - 1] - reply.timings.totalMs);
      }
      return ms;
    };
    const direct = async (): Promise<number[]> => {
      const r = await runNode(
        [join(TOOLS, 'direct-search.tool.js'), '--queries', queriesPath, '--warmup', '20'],
        env,
        ctx.log,
      );
      out.directStages = r.meanStageMs;
      return r.latenciesMs;
    };
    for (const q of queries.slice(0, 20)) await bus.request(RetrievalSearch, { ...q, topK: 5 });
    // Alternate the two paths so drift on a shared machine affects both alike.
    const busMs = [...(await viaBus())];
    const directMs = [...(await direct())];
    busMs.push(...(await viaBus()));
    directMs.push(...(await direct()));
    const b = percentiles(busMs);
    const cost = percentiles(busCostMs);
    const d = percentiles(directMs);
    const rssKb = procStatusKb(retrieval.proc.pid!, 'VmRSS');
    const hwmKb = procStatusKb(retrieval.proc.pid!, 'VmHWM');
    const is100k = rows === 100_000;
    const is1m = rows === 1_000_000;
    figure(ctx, {
      section,
      name: 'hybrid search through the bus: p50',
      value: b.p50,
      unit: 'ms',
      floor: is100k
        ? { op: '<=', value: 15, source: 'issue 4' }
        : is1m
          ? { op: '<=', value: 25, source: 'issue 21' }
          : undefined,
    });
    figure(ctx, { section, name: 'hybrid search through the bus: p95', value: b.p95, unit: 'ms' });
    figure(ctx, {
      section,
      name: 'hybrid search through the bus: p99',
      value: b.p99,
      unit: 'ms',
      floor: is100k ? { op: '<=', value: 60, source: 'issue 4' } : undefined,
    });
    figure(ctx, {
      section,
      name: 'baseline: same search in-process on LanceDB (no bus): p50',
      value: d.p50,
      unit: 'ms',
    });
    figure(ctx, { section, name: 'baseline: in-process p95', value: d.p95, unit: 'ms' });
    figure(ctx, { section, name: 'baseline: in-process p99', value: d.p99, unit: 'ms' });
    figure(ctx, {
      section,
      name: 'ratio bus / in-process at p50',
      value: round(b.p50 / d.p50, 2),
      unit: '×',
      floor: { op: '<=', value: 1.5, source: 'issue 4' },
    });
    figure(ctx, {
      section,
      name: `the bus's own cost per search (round trip less the replica's search time; p95 ${cost.p95} ms)`,
      value: cost.p50,
      unit: 'ms',
    });
    figure(ctx, {
      section,
      name: `retrieval-service RSS after serving (peak ${round(hwmKb / 1024, 0)} MB)`,
      value: round(rssKb / 1024, 0),
      unit: 'MB',
      floor: is1m ? { op: '<=', value: 1024, source: 'issue 4' } : undefined,
    });
    Object.assign(out, {
      bus: b,
      busCost: cost,
      direct: d,
      rssIdleMb: round(rssIdleKb / 1024, 0),
      rssMb: round(rssKb / 1024, 0),
      peakRssMb: round(hwmKb / 1024, 0),
      queries: queries.length,
    });

    if (is100k) {
      // The same searches with the vector settings from before recall targets (10 probes, no refine), in
      // LanceDB as then, then the measured plan once more, so drift over the run falls on both.
      await retrieval.stop();
      const before = await stack.start('retrieval-service', {
        LANCEDB_URI: lanceDir,
        SEARCH_CACHE_MB: '0',
        SEARCH_MEMORY_MB: '0',
        VECTOR_NPROBES: '10',
        VECTOR_REFINE_FACTOR: '-1',
      });
      for (const q of queries.slice(0, 20)) await bus.request(RetrievalSearch, { ...q, topK: 5 });
      const beforeMs = [...(await viaBus()), ...(await viaBus())];
      await before.stop();
      retrieval = await stack.start('retrieval-service', { LANCEDB_URI: lanceDir, SEARCH_CACHE_MB: '0' });
      await warm();
      for (const q of queries.slice(0, 20)) await bus.request(RetrievalSearch, { ...q, topK: 5 });
      const planned = percentiles([...busMs, ...(await viaBus())]);
      const old = percentiles(beforeMs);
      figure(ctx, {
        section,
        name: 'hybrid search through the bus with the vector settings before recall targets (10 probes, no refine) and without memory search, same run: p50',
        value: old.p50,
        unit: 'ms',
      });
      figure(ctx, {
        section,
        name: `hybrid p50 through the bus with the measured plan (${round(planned.p50, 2)} ms over three passes) against those settings`,
        value: round(planned.p50 / old.p50, 2),
        unit: '×',
        floor: { op: '<=', value: 1.3, source: 'issue 21' },
      });
      out.busBeforeRecallTargets = old;
    }

    if (withChatAndLoad) {
      await stack.start('chat-service');
      const gateway = await stack.start('gateway');
      const base = `http://127.0.0.1:${gateway.port}`;
      out.chat = await chatFirstByte(ctx, base, queries, section);
      out.load = await load(
        ctx,
        base,
        queriesPath,
        section,
        inMemory
          ? 'search cache off: every request runs vector + full-text search, from memory'
          : 'search cache off: every request runs vector + full-text search on LanceDB',
        { throughput: { op: '>=', value: 300, source: 'issue 21' } },
      );
      if (inMemory) {
        // The same load with the collections searched in LanceDB: the same-run baseline.
        await retrieval.stop();
        retrieval = await stack.start('retrieval-service', {
          LANCEDB_URI: lanceDir,
          SEARCH_CACHE_MB: '0',
          SEARCH_MEMORY_MB: '0',
        });
        for (const q of queries.slice(0, 20)) await bus.request(RetrievalSearch, { ...q, topK: 5 });
        out.loadLance = await load(
          ctx,
          base,
          queriesPath,
          section,
          'baseline, same run: search cache and memory search off, every request searches LanceDB',
          {},
        );
      }
      // Same load against a replica with its reply cache on (the default), warmed with one pass
      // over the queries: the figure for repeated questions, served without touching LanceDB.
      await retrieval.stop();
      await stack.start('retrieval-service', { LANCEDB_URI: lanceDir });
      for (const q of queries) await bus.request(RetrievalSearch, { ...q, topK: 5 });
      out.loadCached = await load(
        ctx,
        base,
        queriesPath,
        section,
        `search cache on and warm: the same ${queries.length} queries repeated`,
        rows === 100_000
          ? {
              throughput: { op: '>=', value: 500, source: 'issue 6' },
              p99: { op: '<=', value: 100, source: 'issue 6' },
            }
          : {},
      );
    }
  } finally {
    await bus.close();
    await stack.stop();
  }
  return out;
}

interface RecallCell {
  share: number;
  plan: { kind: 'exact' } | { kind: 'ann'; nprobes: number; refineFactor: number };
  recall: number | null;
  p50Ms: number;
  exactP50Ms: number;
}

/**
 * LanceDB's vector search's recall@20 against an exact scan under filters keeping 100%, 10% and 1% of a
 * collection, with the service's own plan: how collections too large for memory search are searched.
 */
async function vectorRecall(
  ctx: BenchContext,
  section: string,
  corpus: string,
  env: Record<string, string>,
  queriesPath: string,
): Promise<RecallCell[]> {
  const r = await runNode(
    [join(TOOLS, 'vector-recall.tool.js'), '--queries', queriesPath, '--count', ctx.quick ? '20' : '100', '--k', '20'],
    env,
    ctx.log,
  );
  const cells = r.cells as RecallCell[];
  for (const c of (r.memoryCells ?? []) as Array<{ share: number; recall: number | null; p50Ms: number }>)
    figure(ctx, {
      section,
      name: `memory search recall@20 against LanceDB's exact scan, ${corpus}, filter keeps ${c.share}% — 8-bit scan of 4× the candidates, rescored on float vectors; p50 ${c.p50Ms} ms`,
      value: c.recall === null ? NaN : round(c.recall * 100, 1),
      unit: '%',
      floor: { op: '>=', value: 95, source: 'issue 21' },
    });
  for (const c of cells) {
    const plan =
      c.plan.kind === 'exact' ? 'exact scan' : `index, ${c.plan.nprobes} probes, refine ${c.plan.refineFactor}`;
    figure(ctx, {
      section,
      name: `LanceDB vector search recall@20 against exact, ${corpus}, filter keeps ${c.share}% — plan: ${plan}; p50 ${c.p50Ms} ms, exact scan p50 ${c.exactP50Ms} ms`,
      value: c.recall === null ? NaN : round(c.recall * 100, 1),
      unit: '%',
      floor: { op: '>=', value: 95, source: 'issue 21' },
    });
  }
  return cells;
}

/**
 * Where an uncached hybrid search's time goes: CPU per query of each part, called alone in-process
 * (search-profile.tool), with the collections searched from memory where they fit and then, for the
 * same-run baseline, in LanceDB alone.
 */
async function searchProfile(
  ctx: BenchContext,
  section: string,
  env: Record<string, string>,
  queriesPath: string,
): Promise<Record<string, unknown>> {
  const profile = async (memory: boolean) => {
    const r = await runNode(
      [join(TOOLS, 'search-profile.tool.js'), '--queries', queriesPath, '--count', ctx.quick ? '40' : '200'],
      memory ? env : { ...env, SEARCH_MEMORY_MB: '0' },
      ctx.log,
    );
    const cpu = (part: string) => (r.perQuery as Record<string, { cpuMs: number }>)[part].cpuMs;
    const plan = r.plan as RecallCell['plan'];
    const inMemory = Number(r.memoryCollections) > 0;
    const vectorPlan = inMemory
      ? 'exact scan in memory'
      : plan.kind === 'exact'
        ? 'exact scan'
        : `${plan.nprobes} probes, refine ${plan.refineFactor}`;
    figure(ctx, {
      section,
      name: `uncached hybrid search in-process, ${inMemory ? 'collections searched from memory' : 'searched in LanceDB'}, CPU per query (LanceDB's threads included), one query at a time: vector leg ${cpu('vector')} ms (${vectorPlan}), full-text leg ${cpu('ftsWithVectors')} ms, rerank ${cpu('rerank')} ms, query embedding ${cpu('embed')} ms; without query expansion ${cpu('hybridWithoutExpansion')} ms`,
      value: cpu('hybrid'),
      unit: 'ms',
    });
    return { ...r, inMemory };
  };
  const first = await profile(true);
  return first.inMemory ? { ...first, lance: await profile(false) } : first;
}

async function chatFirstByte(ctx: BenchContext, base: string, queries: Query[], section: string) {
  const firstByte: number[] = [];
  const firstToken: number[] = [];
  let errors = 0;
  for (const q of [...queries.slice(0, 10), ...queries].slice(0, ctx.quick ? 40 : 210)) {
    const t0 = performance.now();
    const res = await fetch(`${base}/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ collectionId: q.collectionId, question: q.query }),
    });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    let tb: number | null = null;
    let tt: number | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      tb ??= performance.now() - t0;
      text += dec.decode(value, { stream: true });
      if (tt === null && text.includes('event: token')) tt = performance.now() - t0;
    }
    if (text.includes('event: error') || !text.includes('event: done')) errors++;
    firstByte.push(tb ?? NaN);
    if (tt !== null) firstToken.push(tt);
  }
  // The first 10 were warm-up.
  const fb = percentiles(firstByte.slice(10));
  const ft = percentiles(firstToken.slice(10));
  figure(ctx, {
    section,
    name: 'chat SSE (extractive) time to first byte of the stream (sources event): p50',
    value: fb.p50,
    unit: 'ms',
    floor: section.includes('100,000') ? { op: '<=', value: 50, source: 'issue 5' } : undefined,
  });
  figure(ctx, { section, name: 'chat SSE (extractive) time to first answer token: p50', value: ft.p50, unit: 'ms' });
  figure(ctx, { section, name: 'chat SSE streams ending in error', value: errors, unit: '' });
  return { firstByte: fb, firstToken: ft, errors };
}

async function load(
  ctx: BenchContext,
  base: string,
  queriesPath: string,
  section: string,
  label: string,
  floors: { throughput?: Figure['floor']; p99?: Figure['floor'] },
) {
  const seconds = ctx.quick ? 3 : 20;
  const connections = 16;
  ctx.log(`load (${label}): ${connections} connections for ${seconds} s against POST /search`);
  const r = await runNode(
    [
      '-r',
      '@swc-node/register',
      join(ROOT, 'bench/src/load-generator.ts'),
      `${base}/search`,
      queriesPath,
      String(seconds),
      String(connections),
    ],
    { TS_NODE_PROJECT: join(ROOT, 'tsconfig.base.json') },
    ctx.log,
  );
  figure(ctx, {
    section,
    name: `POST /search through the gateway, ${connections} connections from a second process, ${label}: throughput`,
    value: round(r.requestsPerSec, 0),
    unit: 'req/s',
    floor: floors.throughput,
  });
  figure(ctx, { section, name: 'under that load: latency p50', value: r.latencyMs.p50, unit: 'ms' });
  figure(ctx, {
    section,
    name: 'under that load: latency p99',
    value: r.latencyMs.p99,
    unit: 'ms',
    floor: floors.p99,
  });
  figure(ctx, {
    section,
    name: 'under that load: non-2xx responses and errors',
    value: r.non2xx + r.errors + r.timeouts,
    unit: '',
  });
  return r;
}
