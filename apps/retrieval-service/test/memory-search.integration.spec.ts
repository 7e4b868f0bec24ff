import { contentWords, LocalHashEmbedder } from '@rag/ai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRetrievalConfig } from '../src/config/retrieval.config';
import { ChunkRow, DocumentRow, LanceRepository, ScoredChunk } from '../src/storage/lance.repository';
import { mulberry32 } from '../tools/synthetic-corpus';
import { chunkRow } from './chunk-row.fixture';

const WORDS = (
  'patient patients dose doses dosing dosed renal kidney kidneys failure failing warfarin heparin bleeding bleeds ' +
  'monitoring monitored INR clearance mg/kg 5mg 12.5 children child infant infants pregnancy pregnant café naïve ' +
  'x-ray CT scan scans scanning the of and to is was will be not no with in a an it this that there ' +
  'Hypertension hypertensive RISK risks running ran run treated treatment treatments therapy β-blocker ' +
  'supercalifragilisticexpialidociousnessesandmore what should does during because only would ourselves why being ' +
  'Having once before'
).split(' ');

/**
 * Memory search against LanceDB's own search on the same rows (real LanceDB in a temp dir): the
 * same BM25 scores from the same analyzer, the same exact vector neighbours, the same filters.
 */
describe('memory search (real LanceDB in a temp dir)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-memsearch-'));
  const embedder = new LocalHashEmbedder(64);
  const env = { REDIS_URL: 'redis://127.0.0.1:1', LANCEDB_URI: dir, EMBEDDING_DIMENSIONS: '64' };
  const rand = mulberry32(11);
  const text = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  let memory: LanceRepository;
  let lance: LanceRepository;

  const rowsOf = async (collection: string, texts: string[], from = 0): Promise<ChunkRow[]> => {
    const vectors = await embedder.embed(texts);
    return texts.map((t, i) =>
      chunkRow({
        chunk_id: `${collection}-${from + i}`,
        document_id: `doc-${(from + i) % 4}`,
        collection_name: collection,
        filename: `f${(from + i) % 4}.pdf`,
        page_number: 1 + (i % 7),
        page_end: 1 + (i % 7),
        data_type: i % 5 === 0 ? 'table_html' : 'text',
        chunk_index: from + i,
        text: t,
        vector: vectors[i],
      }),
    );
  };
  const documents = (collection: string): DocumentRow[] =>
    [0, 1, 2, 3].map((d) => ({
      document_id: `doc-${d}`,
      collection_name: collection,
      filename: `f${d}.pdf`,
      content_hash: 'f'.repeat(64),
      pages: 1,
      chunks: 1,
      ingested_at: new Date(0).toISOString(),
    }));

  beforeAll(async () => {
    memory = new LanceRepository(loadRetrievalConfig(env), embedder);
    await memory.onModuleInit();
    lance = new LanceRepository(loadRetrievalConfig({ ...env, SEARCH_MEMORY_MB: '0' }), embedder);
    await lance.onModuleInit();
    // Mostly medium chunks, some long, some of stop words only (no terms, a zero vector).
    const texts = Array.from({ length: 600 }, (_, i) =>
      i % 50 === 7 ? 'the of and to' : text(i % 9 === 0 ? 120 : 25),
    );
    await memory.appendRows(await rowsOf('m', texts), documents('m'));
    await memory.rebuildFtsIndex();
    expect(await memory.warmMemorySearch('m')).toBe(true);
    expect(await lance.warmMemorySearch('m')).toBe(false);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));

  const queries = [
    'warfarin dose',
    'kidney failure in children',
    'Running RISKS',
    'cafe naive',
    'the warfarin the warfarin',
    'x-ray 5mg',
    'β-blocker therapy',
    'bleeding monitored INR clearance pregnancy',
    'of and the',
    'What should I do during pregnancy, and why does it matter?',
    'only once before having ourselves',
    'supercalifragilisticexpialidociousnessesandmore',
  ];
  const scopes = [
    { collectionId: 'm' },
    { collectionId: 'm', dataTypes: ['table_html' as const] },
    { collectionId: 'm', documentIds: ['doc-1', 'doc-2'], filenames: ['f1.pdf'] },
  ];
  const scores = (rows: ScoredChunk[]) => rows.map((r) => r.score);
  it('scores full-text queries as LanceDB does: analyzer, BM25, filters, weighted expansion clauses', async () => {
    let compared = 0;
    for (const scope of scopes)
      for (const q of queries) {
        const expected = await lance.ftsSearch(q, scope, 20);
        const actual = await memory.ftsSearch(q, scope, 20);
        expect(actual.length).toBe(expected.length);
        for (const [i, s] of scores(actual).entries()) expect(s).toBeCloseTo(scores(expected)[i], 3);
        // Every row scored above the last one is returned (rows tied with the last may be cut at 20 in either list).
        const got = new Set(actual.map((r) => r.chunk_id));
        const cut = (expected.at(-1)?.score ?? 0) + 1e-3;
        for (const r of expected)
          if (r.score > cut) expect([r.chunk_id, got.has(r.chunk_id)]).toEqual([r.chunk_id, true]);
        compared += expected.length;
      }
    expect(compared).toBeGreaterThan(200);
    // A weighted clause adds its words' BM25 times its weight, as LanceDB's boosted match clause, over
    // every row: the exact sum of the clauses, each searched by LanceDB in full.
    const expansion = [{ words: ['heparin', 'bleeding'], weight: 0.3 }];
    const sum = new Map<string, number>();
    for (const [q, w] of [['warfarin dose', 1] as const, ['heparin bleeding', 0.3] as const])
      for (const r of await lance.ftsSearch(q, { collectionId: 'm' }, 1000))
        sum.set(r.chunk_id, (sum.get(r.chunk_id) ?? 0) + w * r.score);
    const exact = [...sum.values()].sort((a, b) => b - a).slice(0, 10);
    const actual = await memory.ftsSearch('warfarin dose', { collectionId: 'm' }, 10, true, expansion);
    expect(scores(actual).map((s) => s.toFixed(3))).toEqual(exact.map((s) => s.toFixed(3)));
    for (const r of actual) expect(sum.get(r.chunk_id)).toBeCloseTo(r.score, 3);
    const expected = (await lance.ftsSearch('warfarin dose', { collectionId: 'm' }, 1000)).find(
      (r) => r.chunk_id === actual[0].chunk_id,
    )!;
    expect(actual.every((r) => r.vector?.length === 64)).toBe(true);
    // The reranker's words, kept with each chunk.
    for (const r of actual) expect(r.words).toEqual(contentWords(r.text));
    expect(actual[0]).toMatchObject({ ...expected, score: expect.any(Number), vector: expect.any(Float32Array) });
  });

  it('finds the exact nearest vectors under each filter, skipping zero vectors', async () => {
    for (const scope of scopes)
      for (const q of queries.slice(0, 8)) {
        const [vec] = await embedder.embed([q]);
        const expected = await lance.vectorSearch(vec, scope, 10, { plan: { kind: 'exact' } });
        const actual = await memory.vectorSearch(vec, scope, 10);
        expect(actual.map((r) => r.chunk_id)).toEqual(expected.map((r) => r.chunk_id));
        for (const [i, r] of actual.entries()) expect(r.score).toBeCloseTo(expected[i].score, 4);
      }
  });

  it('never answers from an older version: a write is searched in LanceDB until the new snapshot is built', async () => {
    const [before] = await memory.ftsSearch('zyxwvut', { collectionId: 'm' }, 5);
    expect(before).toBeUndefined();
    await memory.appendRows(await rowsOf('m', ['zyxwvut warfarin'], 600), []);
    // The next search reads the new version at once (LanceDB's flat scan of unindexed rows), then from memory.
    expect((await memory.ftsSearch('zyxwvut', { collectionId: 'm' }, 5)).map((r) => r.chunk_id)).toEqual(['m-600']);
    expect(await memory.warmMemorySearch('m')).toBe(true);
    expect((await memory.ftsSearch('zyxwvut', { collectionId: 'm' }, 5)).map((r) => r.chunk_id)).toEqual(['m-600']);
    expect(await memory.stats()).toMatchObject({ memorySearch: { collections: 1, maxRows: 50_000 } });
  });

  it("sees another replica's write at its next search", async () => {
    await memory.warmMemorySearch('m');
    await lance.appendRows(await rowsOf('m', ['qwertyuiop heparin'], 601), []);
    expect((await memory.ftsSearch('qwertyuiop', { collectionId: 'm' }, 5)).map((r) => r.chunk_id)).toEqual(['m-601']);
    const [vec] = await embedder.embed(['qwertyuiop heparin']);
    expect((await memory.vectorSearch(vec, { collectionId: 'm' }, 1))[0].chunk_id).toBe('m-601');
    expect(await memory.warmMemorySearch('m')).toBe(true);
    expect((await memory.vectorSearch(vec, { collectionId: 'm' }, 1))[0].chunk_id).toBe('m-601');
  });

  it('after a refresh rebuilds the collections already held, at their new version, and leaves the others', async () => {
    const fresh = new LanceRepository(loadRetrievalConfig(env), embedder);
    await fresh.onModuleInit();
    expect(await fresh.warmMemorySearchAll({ searchedOnly: true })).toBe(0);
    expect(await fresh.warmMemorySearchAll()).toBe(1);
    await fresh.appendRows(await rowsOf('m', ['asdfghjkl warfarin'], 700), []);
    expect(await fresh.warmMemorySearchAll({ searchedOnly: true })).toBe(1);
    const stats = (await fresh.stats()).memorySearch as { bytes: number };
    expect((await fresh.ftsSearch('asdfghjkl', { collectionId: 'm' }, 5)).map((r) => r.chunk_id)).toEqual(['m-700']);
    expect(((await fresh.stats()).memorySearch as { bytes: number }).bytes).toBe(stats.bytes);
  });

  it('after a refresh also builds a collection searched since the last one, though not held', async () => {
    await lance.appendRows(await rowsOf('w', ['one warfarin', 'two', 'three', 'four', 'five']), []);
    await lance.rebuildFtsIndex();
    const capped = new LanceRepository(loadRetrievalConfig({ ...env, SEARCH_MEMORY_MAX_ROWS: '4' }), embedder);
    await capped.onModuleInit();
    expect((await capped.ftsSearch('warfarin', { collectionId: 'w' }, 5)).map((r) => r.chunk_id)).toEqual(['w-0']);
    // Five rows: that version stays in LanceDB, and nothing is held.
    expect(await capped.warmMemorySearch('w')).toBe(false);
    await lance.deleteDocuments({ collectionId: 'w', documentId: 'doc-0' });
    expect(await capped.warmMemorySearchAll({ searchedOnly: true })).toBe(1);
    expect((await capped.ftsSearch('three', { collectionId: 'w' }, 5)).map((r) => r.chunk_id)).toEqual(['w-2']);
  });

  it('leaves a collection larger than SEARCH_MEMORY_MAX_ROWS to LanceDB', async () => {
    const small = new LanceRepository(loadRetrievalConfig({ ...env, SEARCH_MEMORY_MAX_ROWS: '100' }), embedder);
    await small.onModuleInit();
    expect(await small.warmMemorySearch('m')).toBe(false);
    expect((await small.ftsSearch('zyxwvut', { collectionId: 'm' }, 5)).map((r) => r.chunk_id)).toEqual(['m-600']);
    expect(await small.stats()).toMatchObject({ memorySearch: { collections: 0, bytes: 0 } });
  });
});
