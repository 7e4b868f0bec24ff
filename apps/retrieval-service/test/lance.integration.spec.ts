import * as lancedb from '@lancedb/lancedb';
import { LocalHashEmbedder } from '@rag/ai';
import { encodeVector, SearchReply } from '@rag/contracts';
import { closeRedis, createRedis, DomainError, RedisClient, redisKeys, RequestContext } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRetrievalConfig, RetrievalConfig } from '../src/config/retrieval.config';
import { DocumentsService } from '../src/documents/documents.service';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import { VectorCalibrationService } from '../src/maintenance/vector-calibration.service';
import { LexicalReranker } from '../src/search/lexical.reranker';
import { SearchCache } from '../src/search/search-cache';
import { SearchService } from '../src/search/search.service';
import { ChunkTable } from '../src/storage/chunk-table';
import { LanceRepository } from '../src/storage/lance.repository';

/** Two "replicas" (separate repository + service instances) on one real LanceDB directory and one Redis. */
describe('LanceDB storage (real LanceDB in a temp dir, real Redis lock)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-lance-'));
  const prefix = uniquePrefix('lance');
  const embedder = new LocalHashEmbedder(64);
  let config: RetrievalConfig;
  const replicas: Array<{ repo: LanceRepository; docs: DocumentsService; search: SearchService; redis: RedisClient }> =
    [];

  beforeAll(async () => {
    config = loadRetrievalConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      LANCEDB_URI: dir,
      EMBEDDING_DIMENSIONS: '64',
      // LanceDB's own search paths (clauses, takes, index states); memory-search.integration.spec holds them to it.
      SEARCH_MEMORY_MB: '0',
    });
    for (let i = 0; i < 2; i++) {
      const repo = new LanceRepository(config, embedder);
      await repo.onModuleInit();
      const redis = createRedis(testRedisUrl(), `lance-spec-${i}`);
      const docs = new DocumentsService(repo, config, redis, redisKeys(prefix));
      // Every replica caches replies, as in production: all tests below also check the cache never serves stale data.
      const cache = new SearchCache<SearchReply>(1 << 20, () => 1000);
      replicas.push({ repo, docs, redis, search: new SearchService(repo, embedder, new LexicalReranker(), cache) });
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => closeRedis(r.redis)));
    const redis = createRedis(testRedisUrl(), 'cleanup');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  /** A document of one chunk a page, each text a chunk. */
  const docOf = async (collectionId: string, key: string, filename: string, texts: string[]) => {
    const vectors = await embedder.embed(texts);
    // Like production ids: derived from collection and content, so unique across collections.
    const documentId = createHash('sha256').update(`${collectionId}\n${key}`).digest('hex').slice(0, 32);
    return {
      collectionId,
      documentId,
      filename,
      contentHash: 'f'.repeat(64),
      pages: texts.length,
      embedder: embedder.info,
      chunks: texts.map((text, i) => ({
        chunkId: `${documentId}-${i}`,
        chunkIndex: i,
        text,
        dataType: 'text' as const,
        pageNumber: i + 1,
        pageEnd: i + 1,
        vector: encodeVector(vectors[i]),
      })),
    };
  };
  const doc = (collectionId: string, n: number, filename = `doc-${n}.pdf`) =>
    docOf(
      collectionId,
      String(n),
      filename,
      Array.from({ length: 5 }, (_, i) => `document ${n} chunk ${i} about topic${n} and shared words`),
    );

  it('counts its writes and how long they waited for and held the write lock', async () => {
    const [a] = replicas;
    const before = a.docs.writeStats();
    await a.docs.replace(await doc('write-stats', 900));
    const after = a.docs.writeStats();
    expect(after.count).toBe(before.count + 1);
    expect(after.heldMs).toBeGreaterThan(before.heldMs);
    expect(after.waitMs).toBeGreaterThanOrEqual(before.waitMs);
  });

  it('creates an empty collection with a description, lists it, refuses it twice, and deletes it', async () => {
    const [a, b] = replicas;
    const created = await a.docs.createCollection('made-empty', 'Ward 7 protocols');
    expect(created).toMatchObject({ collectionId: 'made-empty', description: 'Ward 7 protocols' });
    expect(await b.docs.listCollections()).toEqual(
      expect.arrayContaining([
        { collectionId: 'made-empty', documents: 0, chunks: 0, description: 'Ward 7 protocols' },
      ]),
    );
    await expect(b.docs.createCollection('made-empty')).rejects.toMatchObject({ code: 'CONFLICT' });
    await a.docs.replace(await doc('made-empty', 900));
    expect((await b.docs.listCollections()).find((c) => c.collectionId === 'made-empty')).toMatchObject({
      documents: 1,
      chunks: 5,
      description: 'Ward 7 protocols',
    });
    expect(await b.docs.deleteCollection('made-empty')).toEqual({ deletedChunks: 5 });
    expect((await a.docs.listCollections()).map((c) => c.collectionId)).not.toContain('made-empty');
    await expect(a.docs.deleteCollection('made-empty')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await a.docs.createCollection('made-and-dropped');
    expect(await a.docs.deleteCollection('made-and-dropped')).toEqual({ deletedChunks: 0 });
  });

  it('folds new rows into the full-text index shortly after writes', async () => {
    const cfg = { ...config, indexRefreshDelayMs: 100, maintenanceIntervalMs: 3_600_000 };
    const logger = { info: () => undefined, warn: () => undefined } as never;
    const calibration = new VectorCalibrationService(replicas[0].repo, embedder, cfg);
    const maintenance = new MaintenanceService(replicas[0].repo, replicas[0].docs, calibration, cfg, logger);
    maintenance.onApplicationBootstrap();
    try {
      for (let n = 100; n < 104; n++) await replicas[0].docs.replace(await doc('fresh', n));
      const until = Date.now() + 15_000;
      while ((await replicas[0].repo.ftsUnindexedRows()) > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      expect(await replicas[0].repo.ftsUnindexedRows()).toBe(0);
    } finally {
      await maintenance.onModuleDestroy();
    }
  });

  it('keeps every write when two replicas write at once', async () => {
    const writes = Array.from({ length: 10 }, async (_, n) =>
      replicas[n % 2].docs.replace((await doc('concurrent', n + 1)) as never),
    );
    await Promise.all(writes);
    expect(await replicas[0].repo.countChunks({ collectionId: 'concurrent' })).toBe(50);
    const listed = await replicas[1].docs.listDocuments('concurrent');
    expect(listed).toHaveLength(10);
  });

  it('does not start a write after its caller stopped waiting: 503, and nothing is written', async () => {
    const d = await doc('deadline', 1);
    await replicas[0].docs.replace(d as never);
    const redis = createRedis(testRedisUrl(), 'lock-holder');
    // Another writer holds the lock (its lease would outlast the caller's wait).
    await redis.set(`${prefix}:lock:lancedb-write:${config.tableName}`, 'someone-else', 'PX', 5000);
    const started = Date.now();
    const outcome = await RequestContext.run({ correlationId: 'c', replyBy: Date.now() + 300 }, () =>
      replicas[1].docs.delete({ collectionId: 'deadline', documentId: d.documentId }).then(
        () => 'deleted',
        (e: DomainError) => e.code,
      ),
    );
    expect(outcome).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1500);
    await redis.del(`${prefix}:lock:lancedb-write:${config.tableName}`);
    await redis.quit();
    // The delete that answered 503 did not run.
    expect(await replicas[0].docs.find('deadline', d.documentId)).not.toBeNull();
    // A caller that has already given up gets 503 at once.
    await expect(
      RequestContext.run({ correlationId: 'c', replyBy: Date.now() - 1 }, () =>
        replicas[1].docs.delete({ collectionId: 'deadline', documentId: d.documentId }),
      ),
    ).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('is idempotent for a retried write and replaces a new version atomically', async () => {
    await replicas[0].docs.replace((await doc('versions', 1, 'same.pdf')) as never);
    await replicas[1].docs.replace((await doc('versions', 1, 'same.pdf')) as never);
    expect(await replicas[0].repo.countChunks({ collectionId: 'versions' })).toBe(5);
    const res = await replicas[1].docs.replace((await doc('versions', 2, 'same.pdf')) as never);
    expect(res.replacedDocumentIds).toHaveLength(1);
    expect(await replicas[0].repo.countChunks({ collectionId: 'versions' })).toBe(5);
    const hits = await replicas[0].search.search({
      collectionId: 'versions',
      query: 'topic1',
      mode: 'fts',
      topK: 5,
      candidates: 20,
      fusion: 'linear',
      vectorWeight: 0.7,
      rerank: true,
      expand: true,
    });
    expect(hits.results).toHaveLength(0);
  });

  it("finds rows by expansion words too, each match weighted by its group's weight", async () => {
    // Two words each in one row of the whole table, so both have the same idf.
    const texts = ['zebrafinch nesting habits in spring', 'lyrebird nesting habits in spring'];
    await replicas[0].docs.replace((await docOf('expand', 'birds', 'birds.pdf', texts)) as never);
    const where = { collectionId: 'expand' };
    expect((await replicas[0].repo.ftsSearch('zebrafinch', where, 10)).map((r) => r.text)).toEqual([texts[0]]);
    const expanded = await replicas[0].repo.ftsSearch('zebrafinch', where, 10, false, [
      { words: ['lyrebird'], weight: 0.3 },
    ]);
    expect(expanded.map((r) => r.text)).toEqual(texts);
    expect(expanded[1].score / expanded[0].score).toBeCloseTo(0.3, 2);
    // The index and the queries share one stemming tokenizer: "nested" finds "nesting", an expansion word in another form too.
    expect((await replicas[0].repo.ftsSearch('nested habit', where, 10)).length).toBe(2);
    expect(
      (await replicas[0].repo.ftsSearch('zebrafinch', where, 10, false, [{ words: ['lyrebirds'], weight: 0.3 }])).map(
        (r) => r.text,
      ),
    ).toEqual(texts);
  });

  it("scores a row by the sum of its query's and its expansion groups' weighted matches", async () => {
    const texts = [
      'heron wading birds on the shore',
      'egret wading birds in the marsh',
      'bittern calls at dusk in the reeds',
      'heron egret bittern all at one pond',
      'nothing about birds of that kind here',
    ];
    await replicas[0].docs.replace((await docOf('clauses', 'herons', 'herons.pdf', texts)) as never);
    const where = { collectionId: 'clauses' };
    const scores = async (query: string, expansion: Array<{ words: string[]; weight: number }> = []) =>
      new Map((await replicas[0].repo.ftsSearch(query, where, 10, false, expansion)).map((r) => [r.text, r.score]));
    const own = await scores('heron');
    const egret = await scores('egret');
    const bittern = await scores('bittern');
    const groups = [
      { words: ['egret'], weight: 0.3 },
      { words: ['bittern'], weight: 0.15 },
    ];
    const both = await replicas[0].repo.ftsSearch('heron', where, 10, false, groups);
    expect(both.map((r) => r.text)).toEqual([texts[3], texts[0], texts[1], texts[2]]);
    for (const r of both)
      expect(r.score).toBeCloseTo(
        (own.get(r.text) ?? 0) + 0.3 * (egret.get(r.text) ?? 0) + 0.15 * (bittern.get(r.text) ?? 0),
        4,
      );
    // The limit applies to the summed ranking.
    expect((await replicas[0].repo.ftsSearch('heron', where, 2, false, groups)).map((r) => r.text)).toEqual([
      texts[3],
      texts[0],
    ]);
  });

  it('runs an expanded search again when a write replaced its rows between its clauses and its read', async () => {
    const texts = ['kingfisher diving for fish', 'dipper diving in streams', 'no birds here at all'];
    const divers = await docOf('moved', 'divers', 'divers.pdf', texts);
    await replicas[0].docs.replace(divers as never);
    const where = { collectionId: 'moved' };
    const groups = [{ words: ['dipper'], weight: 0.5 }];
    const expected = (await replicas[0].repo.ftsSearch('kingfisher', where, 10, false, groups)).map((r) => r.text);
    expect(expected).toEqual(texts.slice(0, 2));

    // The other replica stores the document again (rewritten rows: new row ids) after this one's
    // clauses ran and before it reads their rows.
    const table = (replicas[0].repo as unknown as { tables: Map<string, { table: lancedb.Table }> }).tables.get(
      'moved',
    )!.table;
    const take = table.takeRowIds.bind(table);
    const spy = jest.spyOn(table, 'takeRowIds').mockImplementationOnce((ids) => {
      let columns: string[] = [];
      const late = {
        select: (c: string[]) => ((columns = c), late),
        withRowId: () => late,
        toArray: async () => {
          await replicas[1].docs.replace({ ...divers, contentHash: 'e'.repeat(64) } as never);
          const gone = await take(ids).select(columns).withRowId().toArray();
          expect(gone).toEqual([]);
          return gone;
        },
      };
      return late as never;
    });
    try {
      const again = await replicas[0].repo.ftsSearch('kingfisher', where, 10, false, groups);
      expect(again.map((r) => r.text)).toEqual(expected);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  it("serves repeated searches from a replica's cache until any replica writes", async () => {
    const ask = {
      collectionId: 'cached',
      query: 'topic7 shared words',
      mode: 'hybrid' as const,
      topK: 5,
      candidates: 20,
      fusion: 'linear' as const,
      vectorWeight: 0.7,
      rerank: true,
      expand: true,
    };
    const v1 = await doc('cached', 7, 'cached.pdf');
    await replicas[0].docs.replace(v1 as never);
    const first = await replicas[1].search.search(ask);
    const again = await replicas[1].search.search(ask);
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    expect(again.results).toEqual(first.results);
    expect(again.results[0].text).toContain('document 7');

    // A new version written by the other replica: the next search sees it, not the cached reply.
    const v2 = await doc('cached', 7, 'cached.pdf');
    v2.chunks = v2.chunks.map((c) => ({ ...c, text: c.text.replace('document 7', 'revised 7') }));
    await replicas[0].docs.replace(v2 as never);
    const afterWrite = await replicas[1].search.search(ask);
    expect(afterWrite.cached).toBe(false);
    expect(afterWrite.results[0].text).toContain('revised 7');

    await replicas[0].docs.delete({ collectionId: 'cached', documentId: v1.documentId } as never);
    const afterDelete = await replicas[1].search.search(ask);
    expect(afterDelete.results).toHaveLength(0);
  });

  it('never widens a search through an injected collection name', async () => {
    for (const mode of ['vector', 'fts', 'hybrid'] as const) {
      const r = await replicas[0].search.search({
        collectionId: "x' OR '1'='1",
        query: 'shared words',
        mode,
        topK: 5,
        candidates: 20,
        fusion: 'linear',
        vectorWeight: 0.7,
        rerank: true,
        expand: true,
      });
      expect(r.results).toHaveLength(0);
    }
    const ok = await replicas[0].search.search({
      collectionId: 'concurrent',
      query: 'topic3',
      mode: 'hybrid',
      topK: 3,
      candidates: 20,
      fusion: 'rrf',
      vectorWeight: 0.7,
      rerank: true,
      expand: true,
    });
    expect(ok.results[0].text).toContain('topic3');
    expect(ok.results[0].scores.fts).not.toBeNull();
  });

  it('finds a chunk by the headings above it, and gives the path and page regions back with search results and stored chunks', async () => {
    const d = await doc('paths', 1);
    d.chunks[0] = {
      ...d.chunks[0],
      text: 'Two doses are given four weeks apart.',
      headingPath: ['Adult schedule', 'Zoster recombinant vaccination'],
      regions: [[72, 540.5, 523.2, 612]],
    } as (typeof d.chunks)[number];
    await replicas[0].docs.replace(d);
    const r = await replicas[1].search.search({
      collectionId: 'paths',
      query: 'zoster',
      mode: 'fts',
      topK: 3,
      candidates: 20,
      fusion: 'linear',
      vectorWeight: 0.7,
      rerank: false,
      expand: true,
    });
    expect(r.results[0]).toMatchObject({
      chunkIndex: 0,
      text: 'Two doses are given four weeks apart.',
      headingPath: ['Adult schedule', 'Zoster recombinant vaccination'],
      regions: [[72, 540.5, 523.2, 612]],
    });
    const stored = await replicas[1].docs.chunks('paths', d.documentId);
    expect(stored.chunks.map((c) => c.regions)).toEqual([[[72, 540.5, 523.2, 612]], [], [], [], []]);
    expect(stored.chunks.map((c) => c.headingPath)).toEqual([
      ['Adult schedule', 'Zoster recombinant vaccination'],
      [],
      [],
      [],
      [],
    ]);
  });

  /** A table of every collection's chunks as an older schema wrote it (no heading paths), full-text index on `text`. */
  const sharedTable = async (at: string, rows: Array<{ id: string; collection: string; text: string }>) => {
    const { Field, FixedSizeList, Float32, Int32, Schema, Utf8 } = await import('apache-arrow');
    const text = (name: string) => new Field(name, new Utf8(), false);
    const schema = new Schema(
      [
        ...['chunk_id', 'document_id', 'collection_name', 'filename'].map(text),
        new Field('page_number', new Int32(), false),
        new Field('page_end', new Int32(), false),
        text('data_type'),
        new Field('chunk_index', new Int32(), false),
        ...['text', 'content_hash', 'created_at'].map(text),
        new Field('vector', new FixedSizeList(64, new Field('item', new Float32(), true)), false),
      ],
      new Map([
        ['embedder_id', embedder.info.id],
        ['embedder_dims', String(embedder.info.dimensions)],
      ]),
    );
    const table = await (await lancedb.connect(at)).createEmptyTable('chunks', schema);
    const vectors = await embedder.embed(rows.map((r) => r.text));
    await table.add(
      rows.map((r, i) => ({
        chunk_id: r.id,
        document_id: r.id,
        collection_name: r.collection,
        filename: `${r.id}.pdf`,
        page_number: 1,
        page_end: 1,
        data_type: 'text',
        chunk_index: 0,
        text: r.text,
        content_hash: 'f'.repeat(64),
        created_at: new Date().toISOString(),
        vector: vectors[i],
      })),
    );
    await table.createIndex('text', { config: lancedb.Index.fts({ withPosition: false }) });
  };

  it('moves each collection of a table written before heading paths and per-collection tables into its own, keeping every row findable', async () => {
    const legacyDir = mkdtempSync(join(tmpdir(), 'rag-lance-legacy-'));
    try {
      await sharedTable(legacyDir, [
        { id: 'old-0', collection: 'legacy', text: 'an old chunk about measles outbreaks' },
        { id: 'old-1', collection: 'legacy', text: 'mumps and rubella doses' },
        { id: 'old-2', collection: 'other', text: 'measles in another collection' },
      ]);
      // A start that stopped after making "other"'s table and before indexing it.
      const db = await lancedb.connect(legacyDir);
      const shared = await db.openTable('chunks');
      await db.createTable(
        `chunks_c_${Buffer.from('other').toString('hex')}`,
        await shared.query().where("collection_name = 'other'").toArrow(),
        { schema: await shared.schema() },
      );
      const open = async () => {
        const repo = new LanceRepository({ ...config, lancedbUri: legacyDir, tableName: 'chunks' }, embedder);
        await repo.onModuleInit();
        return repo;
      };
      const repo = await open();
      const found = await repo.ftsSearch('measles', { collectionId: 'legacy' }, 5);
      // Its rows came from text layers: no OCR confidence.
      expect(found.map((c) => [c.chunk_id, c.heading_path, c.source, c.ocr_confidence, c.regions])).toEqual([
        ['old-0', [], 'text', null, []],
      ]);
      expect((await repo.ftsSearch('measles', { collectionId: 'other' }, 5)).map((c) => c.chunk_id)).toEqual(['old-2']);
      const [vector] = await embedder.embed(['mumps rubella']);
      expect((await repo.vectorSearch(vector, { collectionId: 'legacy' }, 1))[0].chunk_id).toBe('old-1');
      expect(await repo.stats()).toMatchObject({ collections: 2, rows: 3, ftsUnindexedRows: 0 });
      // The shared table is gone; a second replica starting on the moved tables changes nothing.
      expect(await (await lancedb.connect(legacyDir)).tableNames()).not.toContain('chunks');
      const again = await open();
      expect((await again.ftsSearch('measles', { collectionId: 'legacy' }, 5)).length).toBe(1);
      expect(await again.countChunks({ collectionId: 'legacy' })).toBe(2);
    } finally {
      rmSync(legacyDir, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('refuses a shared table built with another embedder, and leaves it as it is', async () => {
    const legacyDir = mkdtempSync(join(tmpdir(), 'rag-lance-legacy-'));
    try {
      await sharedTable(legacyDir, [{ id: 'old-0', collection: 'legacy', text: 'measles' }]);
      const other = new LanceRepository({ ...config, lancedbUri: legacyDir }, new LocalHashEmbedder(32));
      await other.onModuleInit();
      expect(() => other.assertUsable()).toThrow(/built with embedder local-hash-v1\/64/);
      expect(await (await lancedb.connect(legacyDir)).tableNames()).toContain('chunks');
    } finally {
      rmSync(legacyDir, { recursive: true, force: true, maxRetries: 3 });
    }
  });

  it('still maintains a collection whose documents were all deleted, after a restart', async () => {
    await replicas[0].docs.replace((await doc('emptied', 3)) as never);
    expect((await replicas[0].docs.deleteCollection('emptied')).deletedChunks).toBeGreaterThan(0);
    const fresh = new LanceRepository(config, embedder);
    await fresh.onModuleInit();
    const optimize = jest.spyOn(ChunkTable.prototype, 'optimize');
    try {
      await fresh.optimize();
      expect(optimize.mock.contexts.map((t) => (t as ChunkTable).collectionId)).toContain('emptied');
    } finally {
      optimize.mockRestore();
    }
  });

  it("refuses a collection's table built with another embedder", async () => {
    const other = new LanceRepository(config, new LocalHashEmbedder(32));
    await other.onModuleInit();
    await expect(other.ftsSearch('measles', { collectionId: 'paths' }, 5)).rejects.toThrow(
      /collection "paths" was built with embedder local-hash-v1\/64/,
    );
  });
});
