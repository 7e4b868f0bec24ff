import { createServer, Server } from 'node:http';
import { OpenAiAdapter } from '../openai/openai.adapter';
import { createEmbedder } from './embedder.factory';
import { OpenAiEmbedder } from './openai.embedder';

/** A local server speaking the OpenAI embeddings wire format. */
describe('OpenAiEmbedder against a local OpenAI-compatible server', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ auth?: string; body: { input: string[]; model: string; dimensions?: number } }> = [];
  let fail429 = 0;
  let dims = 4;
  // Ollama, TEI and vLLM serve one size per model; a strict one refuses a `dimensions` field.
  let refuseDimensions = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw);
        seen.push({ auth: req.headers.authorization, body });
        if (refuseDimensions && body.dimensions !== undefined) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: { message: 'dimensions is not supported by this model', type: 'invalid_request_error' },
            }),
          );
          return;
        }
        if (fail429-- > 0) {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '5' });
          res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
          return;
        }
        // Out of order on purpose: the client must sort by index.
        const data = body.input
          .map((t: string, index: number) => ({
            object: 'embedding',
            index,
            embedding: Array.from({ length: dims }, (_, k) => t.length + k),
          }))
          .reverse();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ object: 'list', model: body.model, data, usage: { prompt_tokens: 1, total_tokens: 1 } }),
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  const embedder = (batch = 2) =>
    new OpenAiEmbedder(
      new OpenAiAdapter({ apiKey: 'sk-test', baseUrl: base, maxRetries: 3, timeoutMs: 5000 }),
      'text-embedding-3-large',
      4,
      batch,
    );

  it('batches, keeps input order, sends model/dimensions/key and L2-normalises', async () => {
    seen.length = 0;
    dims = 4;
    const vs = await embedder(2).embed(['a', 'bbb', 'cc']);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      auth: 'Bearer sk-test',
      body: { model: 'text-embedding-3-large', dimensions: 4, input: ['a', 'bbb'] },
    });
    expect(vs).toHaveLength(3);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    for (const v of vs) expect(norm(v)).toBeCloseTo(1, 5);
    // 'bbb' (length 3) and 'cc' (length 2) differ, so order errors would show.
    expect(vs[1][0]).not.toBeCloseTo(vs[2][0], 3);
  });

  it('retries a 429 with backoff', async () => {
    seen.length = 0;
    fail429 = 2;
    const vs = await embedder().embed(['x']);
    expect(vs).toHaveLength(1);
    expect(seen).toHaveLength(3);
  });

  it('fails clearly when the server returns another dimension', async () => {
    dims = 3;
    await expect(embedder().embed(['x'])).rejects.toThrow(/3 dimensions, expected 4/);
    dims = 4;
  });

  it('learns the dimensions from the server when none are configured, and asks for none (Ollama/TEI style)', async () => {
    seen.length = 0;
    dims = 6;
    refuseDimensions = true;
    try {
      const conn = { apiKey: 'sk-test', baseUrl: base, maxRetries: 0, timeoutMs: 5000 };
      const e = await createEmbedder({ provider: 'openai', model: 'nomic-embed-text', batchSize: 2, openai: conn });
      expect(e.info).toEqual({ id: 'openai:nomic-embed-text', dimensions: 6 });
      const vs = await e.embed(['a', 'bb', 'ccc']);
      expect(vs.map((v) => v.length)).toEqual([6, 6, 6]);
      // One probe, then two batches, none with a dimensions field.
      expect(seen.map((s) => s.body.input.length)).toEqual([1, 2, 1]);
      expect(seen.every((s) => s.body.dimensions === undefined)).toBe(true);
      // Configured dimensions are sent, and such a server says why it refuses them.
      await expect(
        createEmbedder({
          provider: 'openai',
          model: 'nomic-embed-text',
          dimensions: 6,
          batchSize: 2,
          openai: conn,
        }).then((x) => x.embed(['a'])),
      ).rejects.toThrow(/not supported/);
    } finally {
      refuseDimensions = false;
      dims = 4;
    }
  });

  it('fails to start with a clear error when the server cannot be asked for the dimensions', async () => {
    const conn = { apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:1/v1', maxRetries: 0, timeoutMs: 2000 };
    await expect(createEmbedder({ provider: 'openai', model: 'm', batchSize: 2, openai: conn })).rejects.toThrow(
      /could not learn the dimensions of embedding model "m".*EMBEDDING_DIMENSIONS/,
    );
  });
});
