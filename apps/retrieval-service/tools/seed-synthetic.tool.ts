import { searchText } from '@rag/ai';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { VectorCalibrationService } from '../src/maintenance/vector-calibration.service';
import { ChunkRow, DocumentRow } from '../src/storage/lance.repository';
import { ClusteredVectors, SyntheticCorpus } from './synthetic-corpus';
import { argValue, openToolContext } from './tool-context';

/**
 * Writes N synthetic chunks straight into the configured LanceDB table with the service's own
 * repository (schema, embedder metadata, indices exactly as the service builds them), then writes
 * a sample of queries that have matches. Used by the benchmark harness.
 *
 *   node seed-synthetic.tool.js --rows 100000 --vocab vocab.json --queries-out q.json [--queries 500] [--seed 1]
 *     [--collections 10] [--vectors text|clustered]
 *
 * `--vectors clustered` stores vectors near one of a few hundred topics per document instead of
 * the embedder's (a stand-in for a neural embedder); its queries carry their own vector.
 */
async function main(): Promise<void> {
  const rows = Number(argValue('rows'));
  const queryCount = Number(argValue('queries', '500'));
  const batch = Number(argValue('batch', '10000'));
  const vocabulary = JSON.parse(readFileSync(argValue('vocab'), 'utf8')) as Array<[string, number]>;
  const collections = Number(argValue('collections', '10'));
  const corpus = new SyntheticCorpus(vocabulary, Number(argValue('seed', '1')), {
    collections,
    chunksPerDocument: 100,
    minWords: 120,
    maxWords: 320,
  });
  const { repo, embedder, config } = await openToolContext();
  const clustered =
    argValue('vectors', 'text') === 'clustered'
      ? new ClusteredVectors(embedder.info.dimensions, Number(argValue('seed', '1')) + 1)
      : null;
  const t0 = performance.now();
  const every = Math.max(1, Math.floor(rows / queryCount));
  const queries: Array<{ collectionId: string; query: string; vector?: number[] }> = [];
  /** Document ids (the first 32 characters of a chunk id) to their index, for clustered queries. */
  const documentIndexOf = new Map<string, number>();
  const now = new Date().toISOString();
  for (let start = 0; start < rows; start += batch) {
    const chunks: ChunkRow[] = [];
    const documents: DocumentRow[] = [];
    const end = Math.min(rows, start + batch);
    const generated = [];
    for (let i = start; i < end; i++) generated.push(corpus.chunk(i));
    const vectors = clustered
      ? generated.map((c) => clustered.near(c.documentIndex))
      : await embedder.embed(generated.map((c) => c.text));
    generated.forEach((c, k) => {
      const i = start + k;
      const documentId = createHash('sha256').update(`${c.collection}\n${c.documentIndex}`).digest('hex').slice(0, 32);
      if (clustered) documentIndexOf.set(documentId, c.documentIndex);
      chunks.push({
        chunk_id: `${documentId}-${c.chunkIndex}`,
        document_id: documentId,
        collection_name: c.collection,
        filename: c.filename,
        page_number: c.pageNumber,
        page_end: c.pageNumber,
        data_type: c.dataType,
        chunk_index: c.chunkIndex,
        text: c.text,
        heading_path: '[]',
        source: 'text',
        ocr_confidence: null,
        regions: '[]',
        search_text: searchText({ text: c.text, dataType: 'text' }),
        content_hash: documentId.padEnd(64, '0'),
        created_at: now,
        vector: vectors[k],
      });
      if (c.chunkIndex === 0) {
        const n = Math.min(100, rows - i);
        documents.push({
          document_id: documentId,
          collection_name: c.collection,
          filename: c.filename,
          content_hash: documentId.padEnd(64, '0'),
          pages: Math.ceil(n / 2),
          chunks: n,
          ingested_at: now,
        });
      }
      if (i % every === 0 && queries.length < queryCount) {
        queries.push({
          ...corpus.queryFrom(c),
          ...(clustered ? { vector: [...clustered.near(c.documentIndex)] } : {}),
        });
      }
    });
    await repo.appendRows(chunks, documents);
    process.stderr.write(`seed: ${end}/${rows} rows\n`);
  }
  const loadedMs = performance.now() - t0;
  const ti = performance.now();
  await repo.rebuildFtsIndex();
  await repo.ensureScalarIndices();
  const vectorIndex = await repo.ensureVectorIndex(config.vectorIndexMinRows);
  await repo.optimize();
  // What the service's maintenance does next: measure the probes the recall target needs.
  const tc = performance.now();
  // Clustered vectors are not the embedder's: their queries are points near a sampled chunk's topic.
  const calibration = await new VectorCalibrationService(repo, embedder, config).calibrateIfNeeded(
    clustered
      ? async (sampled) => sampled.map((c) => clustered.near(documentIndexOf.get(c.chunkId.slice(0, 32))!))
      : undefined,
  );
  const calibrationMs = Math.round(performance.now() - tc);
  writeFileSync(argValue('queries-out'), JSON.stringify(queries));
  process.stdout.write(
    JSON.stringify({
      rows,
      collections,
      loadMs: Math.round(loadedMs),
      indexMs: Math.round(performance.now() - ti),
      vectorIndex,
      calibration,
      calibrationMs,
      stats: await repo.stats(),
    }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`seed failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
