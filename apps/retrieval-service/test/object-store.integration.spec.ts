import { LocalHashEmbedder } from '@rag/ai';
import { encodeVector } from '@rag/contracts';
import { closeRedis, createRedis, redisKeys } from '@rag/platform';
import { testRedisUrl, uniquePrefix } from '@rag/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { loadRetrievalConfig } from '../src/config/retrieval.config';
import { DocumentsService } from '../src/documents/documents.service';
import { LexicalReranker } from '../src/search/lexical.reranker';
import { SearchService } from '../src/search/search.service';
import { LanceRepository } from '../src/storage/lance.repository';

/**
 * LanceDB on an S3 object store by configuration alone: LANCEDB_URI=s3://… and LANCEDB_STORAGE_OPTIONS,
 * here pointed at a local server speaking the S3 wire protocol (s3rver).
 */
describe('retrieval storage on an S3-compatible object store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rag-s3-'));
  const prefix = uniquePrefix('s3');
  const embedder = new LocalHashEmbedder(64);
  let server: S3rver;
  let storageOptions = '';

  beforeAll(async () => {
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'rag', configs: [] }],
    });
    const { port } = await server.run();
    storageOptions = JSON.stringify({
      aws_endpoint: `http://127.0.0.1:${port}`,
      allow_http: 'true',
      aws_access_key_id: 'S3RVER',
      aws_secret_access_key: 'S3RVER',
      aws_region: 'us-east-1',
    });
  });
  afterAll(async () => {
    await server.close();
    const redis = createRedis(testRedisUrl(), 'cleanup');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });

  it('writes, searches, replaces and reopens a table under an s3:// URI', async () => {
    const config = loadRetrievalConfig({
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      LANCEDB_URI: 's3://rag/lancedb',
      LANCEDB_STORAGE_OPTIONS: storageOptions,
      EMBEDDING_DIMENSIONS: '64',
    });
    const open = async () => {
      const repo = new LanceRepository(config, embedder);
      await repo.onModuleInit();
      const redis = createRedis(testRedisUrl(), 'object-store-spec');
      return {
        repo,
        redis,
        docs: new DocumentsService(repo, config, redis, redisKeys(prefix)),
        search: new SearchService(repo, embedder, new LexicalReranker()),
      };
    };
    const doc = async (text: string) => {
      const [v] = await embedder.embed([text]);
      return {
        collectionId: 'c',
        documentId: text.length.toString(16).padStart(32, 'a'),
        filename: 'guide.pdf',
        contentHash: 'e'.repeat(64),
        pages: 1,
        embedder: embedder.info,
        chunks: [
          {
            chunkId: `${text.length}-0`,
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
    const a = await open();
    await a.docs.replace(await doc('Metformin is the first-line drug for type 2 diabetes.'));
    await a.docs.replace(await doc('Version two: insulin glargine dosing is titrated weekly.'));
    const q = {
      collectionId: 'c',
      mode: 'hybrid' as const,
      topK: 5,
      candidates: 20,
      fusion: 'linear' as const,
      vectorWeight: 0.7,
      rerank: true,
      expand: true,
    };
    const hits = await a.search.search({ ...q, query: 'insulin glargine dosing' });
    expect(hits.results.map((h) => h.text)).toEqual(['Version two: insulin glargine dosing is titrated weekly.']);
    await closeRedis(a.redis);

    // A second instance (another replica, or a restart) sees the same table in the bucket.
    const b = await open();
    expect(await b.docs.listDocuments('c')).toEqual([expect.objectContaining({ filename: 'guide.pdf', chunks: 1 })]);
    expect(
      (await b.search.search({ ...q, query: 'metformin' })).results.every((h) => !h.text.includes('Metformin')),
    ).toBe(true);
    // Its maintenance and health find the collection's table in the bucket (which lists no tables).
    expect(await b.repo.stats()).toMatchObject({ collections: 1, rows: 1, ftsIndex: true });
    await closeRedis(b.redis);
  });
});
