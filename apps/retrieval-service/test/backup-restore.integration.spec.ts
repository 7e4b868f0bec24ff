import { LocalHashEmbedder } from '@rag/ai';
import { encodeVector } from '@rag/contracts';
import { closeRedis, createRedis, RedisClient, redisKeys } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRetrievalConfig } from '../src/config/retrieval.config';
import { DocumentsService } from '../src/documents/documents.service';
import { LexicalReranker } from '../src/search/lexical.reranker';
import { SearchService } from '../src/search/search.service';
import { LanceRepository } from '../src/storage/lance.repository';

/** The backup docs/operations.md describes: a copy of the LanceDB directory taken while no write runs opens as it was. */
describe('LanceDB backup and restore by copying its directory (real LanceDB, real Redis lock)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-backup-'));
  const prefix = uniquePrefix('backup');
  const embedder = new LocalHashEmbedder(64);
  let redis: RedisClient;

  beforeAll(() => {
    redis = createRedis(testRedisUrl(), 'backup-spec');
  });
  afterAll(async () => {
    await closeRedis(redis);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  const open = async (uri: string) => {
    const config = loadRetrievalConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      LANCEDB_URI: uri,
      EMBEDDING_DIMENSIONS: '64',
    });
    const repo = new LanceRepository(config, embedder);
    await repo.onModuleInit();
    return {
      docs: new DocumentsService(repo, config, redis, redisKeys(prefix)),
      search: new SearchService(repo, embedder, new LexicalReranker()),
    };
  };
  const doc = async (n: number, text: string) => {
    const [v] = await embedder.embed([text]);
    const documentId = String(n).padStart(32, '0');
    return {
      collectionId: 'c',
      documentId,
      filename: `doc-${n}.txt`,
      contentHash: String(n).padStart(64, '0'),
      pages: 1,
      embedder: embedder.info,
      chunks: [
        {
          chunkId: `${documentId}-0`,
          chunkIndex: 0,
          text,
          dataType: 'text' as const,
          pageNumber: 1,
          pageEnd: 1,
          vector: encodeVector(v),
        },
      ],
    };
  };
  const query = {
    collectionId: 'c',
    mode: 'hybrid' as const,
    topK: 5,
    candidates: 20,
    fusion: 'linear' as const,
    vectorWeight: 0.3,
    rerank: true,
    expand: true,
  };

  it('restores the documents and search results of the moment the copy was taken', async () => {
    const live = join(dir, 'live');
    const a = await open(live);
    await a.docs.replace(await doc(1, 'Warfarin doses are checked against the INR every week.'));
    await a.docs.replace(await doc(2, 'Metformin is stopped before contrast imaging.'));
    cpSync(live, join(dir, 'backup'), { recursive: true });
    // Written after the backup: gone once the backup is restored.
    await a.docs.replace(await doc(3, 'Heparin infusions are titrated by the APTT.'));
    expect((await a.docs.listDocuments('c')).length).toBe(3);

    const restored = await open(join(dir, 'backup'));
    expect((await restored.docs.listDocuments('c')).map((d) => d.filename).sort()).toEqual(['doc-1.txt', 'doc-2.txt']);
    const hits = await restored.search.search({ ...query, query: 'warfarin INR' });
    expect(hits.results[0].filename).toBe('doc-1.txt');
    // The restored table takes writes again.
    await restored.docs.replace(await doc(4, 'Insulin pens are primed with two units.'));
    expect((await restored.docs.listDocuments('c')).length).toBe(3);
  });
});
