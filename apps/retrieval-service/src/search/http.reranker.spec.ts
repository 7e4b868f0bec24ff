import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { ScoredChunk } from '../storage/lance.repository';
import { FusedCandidate } from './fusion';
import { HttpReranker, HttpRerankerSettings } from './http.reranker';
import { LexicalReranker } from './lexical.reranker';

const candidate = (id: string, text: string, fused: number, dataType = 'text'): FusedCandidate => ({
  chunk: { chunk_id: id, text, document_id: 'd', page_number: 1, data_type: dataType } as unknown as ScoredChunk,
  vector: null,
  fts: null,
  fused,
});

type Reply = (body: Record<string, unknown>) => { status: number; json?: unknown; delayMs?: number };

/** A local server speaking the rerank wire formats of TEI (`/rerank`) and Cohere/Jina/vLLM (`/v1/rerank`). */
describe('HttpReranker against a local /rerank server', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  let reply: Reply;
  // The "model": a document scores by how many times it says "answer".
  const score = (t: string) => (t.match(/answer/g) ?? []).length;
  const tei: Reply = (b) => ({
    status: 200,
    json: (b.texts as string[]).map((t, index) => ({ index, score: score(t) })).sort((x, y) => y.score - x.score),
  });
  const cohere: Reply = (b) => ({
    status: 200,
    json: {
      id: 'r',
      results: (b.documents as string[]).map((t, index) => ({ index, relevance_score: score(t) })).reverse(),
    },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        seen.push({ path: req.url ?? '', headers: req.headers, body });
        const r = reply(body);
        setTimeout(() => {
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(r.json ?? { error: 'boom' }));
        }, r.delayMs ?? 0);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
  beforeEach(() => (seen.length = 0));

  const settings = (over: Partial<HttpRerankerSettings> = {}): HttpRerankerSettings => ({
    url: `${base}/rerank`,
    api: 'tei',
    timeoutMs: 2000,
    batchSize: 2,
    maxChars: 2000,
    ...over,
  });
  const candidates = [
    candidate('a', 'nothing here', 0.9),
    candidate('b', 'the answer, the answer', 0.5),
    candidate('c', '<table><tr><td>answer</td><td>5 &amp; 6</td></tr></table>', 0.7, 'table_html'),
  ];

  it('TEI format: sends {query, texts} in batches and orders by the model score', async () => {
    reply = tei;
    const out = await new HttpReranker(settings(), new LexicalReranker()).rerank('what is the answer', candidates);
    expect(out.map((c) => c.chunk.chunk_id)).toEqual(['b', 'c', 'a']);
    expect(out.map((c) => c.rerank)).toEqual([2, 1, 0]);
    // Three candidates in batches of two; a table goes as its cell text.
    expect(seen.map((s) => s.body.texts)).toEqual([['nothing here', 'the answer, the answer'], ['answer 5 & 6']]);
    expect(seen[0]).toMatchObject({ path: '/rerank', body: { query: 'what is the answer', truncate: true } });
  });

  it('Cohere format: sends {model, query, documents, top_n} with the key and reads relevance_score by index', async () => {
    reply = cohere;
    const out = await new HttpReranker(
      settings({ url: `${base}/v1/rerank`, api: 'cohere', model: 'rerank-v3.5', apiKey: 'k-secret', batchSize: 10 }),
      new LexicalReranker(),
    ).rerank('what is the answer', candidates);
    expect(out.map((c) => c.chunk.chunk_id)).toEqual(['b', 'c', 'a']);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      path: '/v1/rerank',
      body: { model: 'rerank-v3.5', top_n: 3, documents: ['nothing here', 'the answer, the answer', 'answer 5 & 6'] },
    });
    expect(seen[0].headers.authorization).toBe('Bearer k-secret');
  });

  it.each([
    ['an error status', (() => ({ status: 503 })) as Reply, /503/],
    ['a reply without results', (() => ({ status: 200, json: { nope: 1 } })) as Reply, /no results/],
    [
      'a reply that leaves a candidate unscored',
      ((b) => ({ status: 200, json: [{ index: 0, score: 1 }].slice(0, (b.texts as string[]).length - 1) })) as Reply,
      /scored/,
    ],
    ['no reply before the deadline', (() => ({ status: 200, json: [], delayMs: 500 })) as Reply, /within 100 ms/],
  ])('falls back to the local reranker on %s, and says why', async (_what, r, why) => {
    reply = r;
    const reasons: string[] = [];
    const local = new LexicalReranker();
    const out = await new HttpReranker(settings({ timeoutMs: 100 }), local, (reason) => reasons.push(reason)).rerank(
      'what is the answer',
      candidates,
    );
    expect(out).toEqual(local.rerank('what is the answer', candidates));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(why);
  });

  it('falls back when the server cannot be reached', async () => {
    const reasons: string[] = [];
    const out = await new HttpReranker(
      settings({ url: 'http://127.0.0.1:1/rerank' }),
      new LexicalReranker(),
      (reason) => reasons.push(reason),
    ).rerank('answer', candidates);
    expect(out).toHaveLength(3);
    expect(reasons).toHaveLength(1);
  });
});
