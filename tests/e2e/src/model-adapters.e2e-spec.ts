import { getJson, jsonPost, Stack, upload, waitForTask } from '@rag/testing';
import { FakeOpenAiServer } from './fake-openai.server';

describe('model adapters through the services: embeddings from an OpenAI-compatible server (EMBEDDER=openai), a reranker over HTTP (RERANKER=http)', () => {
  const model = new FakeOpenAiServer();
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    await model.start();
    // No EMBEDDING_DIMENSIONS: both services learn the size from the server, as with Ollama or TEI.
    stack = new Stack({
      BUS_TIMEOUT_MS: '3000',
      EMBEDDER: 'openai',
      EMBEDDING_MODEL: 'nomic-embed-text',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_MAX_RETRIES: '0',
    });
    await Promise.all([
      stack.start('retrieval-service', {
        RERANKER: 'http',
        RERANKER_URL: `${model.baseUrl}/rerank`,
        RERANKER_API: 'cohere',
        RERANKER_MODEL: 'rerank-test',
        SEARCH_CACHE_MB: '0',
      }),
      stack.start('ingest-service'),
    ]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
    const doc = [
      '# Aspirin dosing\n\nAspirin dosing for adults is set by the clinician and written on the label every time.',
      '# Aspirin answer\n\nThe answer on aspirin: the answer is one tablet, the answer the leaflet gives.',
      '# Aspirin storage\n\nAspirin keeps at room temperature; aspirin dosing is on the box.',
    ].join('\n\n');
    const up = await upload(base, 'rerank', [{ name: 'aspirin.md', data: doc }]);
    expect((await waitForTask(base, up.body.files[0].taskId)).state).toBe('SUCCESS');
  });
  afterAll(async () => {
    await stack.stop();
    await model.stop();
  });

  it("embeds with the server's own vector size, never asking for one", async () => {
    const embeds = model.requests.filter((r) => r.path.endsWith('/embeddings'));
    // A probe from each service, the document's chunks, and nothing with a dimensions field.
    expect(embeds.length).toBeGreaterThanOrEqual(3);
    expect(embeds.every((r) => r.body.model === 'nomic-embed-text' && r.body.dimensions === undefined)).toBe(true);
    const r = await getJson(
      fetch(`${base}/search`, jsonPost({ collectionId: 'rerank', query: 'aspirin storage', mode: 'vector', topK: 3 })),
    );
    expect(r.results.length).toBeGreaterThan(0);
  });

  it('orders the results by the model, and falls back to the local reranker when the model fails', async () => {
    const search = () =>
      getJson(
        fetch(`${base}/search`, jsonPost({ collectionId: 'rerank', query: 'aspirin dosing', topK: 3, candidates: 10 })),
      );
    const byModel = await search();
    const sent = model.requests.filter((r) => r.path.endsWith('/rerank')).at(-1)!;
    expect(sent.body).toMatchObject({ model: 'rerank-test', query: 'aspirin dosing' });
    expect(byModel.results[0].text).toContain('the answer is one tablet');
    // The chunk says "answer" four times, its heading included.
    expect(byModel.results[0].scores.rerank).toBe(4);

    model.failRerank = true;
    const local = await search();
    expect(local.results.length).toBeGreaterThan(0);
    // The local reranker's blend is below 1.5; the query words decide, not "answer".
    expect(local.results[0].scores.rerank).toBeLessThan(1.5);
    expect(local.results[0].text).not.toContain('the answer is one tablet');
  });
});
