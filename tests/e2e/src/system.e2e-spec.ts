import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DATASETS, getJson, jsonPost, sseEvents, Stack, upload, waitForTask } from '@rag/testing';

const BOOK = join(DATASETS, 'pubmedqa-books/pubmed-abstracts-vol01.pdf');
const BOOK2 = join(DATASETS, 'pubmedqa-books/pubmed-abstracts-vol02.pdf');
const queries = readFileSync(join(DATASETS, 'pubmedqa-books/queries.dev.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { question: string; filename: string; page: number });

describe('the system over HTTP (all four services as processes, real Redis and LanceDB)', () => {
  const stack = new Stack();
  let base: string;

  beforeAll(async () => {
    await Promise.all([stack.start('retrieval-service'), stack.start('ingest-service'), stack.start('chat-service')]);
    base = `http://127.0.0.1:${(await stack.start('gateway')).port}`;
  });
  afterAll(() => stack.stop());

  it('is live and ready', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const r = await fetch(`${base}/ready`);
    const body = await getJson(r);
    expect(r.status).toBe(200);
    expect(body.checks.map((c: { ok: boolean }) => c.ok)).toEqual([true, true, true, true]);
  });

  it("keeps an idle client connection open past Node's 5 s default (a reused socket must not be closed under the client)", async () => {
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true));
    const ask = () =>
      new Promise<string>((resolve, reject) => {
        socket.once('data', (d) => resolve(d.toString()));
        socket.once('error', reject);
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
      });
    try {
      expect(await ask()).toMatch(/^HTTP\/1\.1 200/);
      await new Promise((r) => setTimeout(r, 6000));
      expect(closed).toBe(false);
      expect(await ask()).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      socket.destroy();
    }
  }, 20_000);

  let documentId: string;
  it('ingests a 100-page PDF with progress and page-accurate chunks', async () => {
    const up = await upload(base, 'books', [{ name: 'pubmed-abstracts-vol01.pdf', data: readFileSync(BOOK) }]);
    expect(up.status).toBe(202);
    const task = await waitForTask(base, up.body.files[0].taskId);
    expect(task).toMatchObject({
      state: 'SUCCESS',
      counts: { pages: 100 },
      progress: { pagesDone: 100, pagesTotal: 100, percent: 100 },
      error: null,
    });
    expect(task.counts.chunks.text).toBeGreaterThanOrEqual(100);
    expect(task.timing.durationMs).toBeGreaterThan(0);
    documentId = task.documentId;
    const stored = await getJson(fetch(`${base}/collections/books/documents/${documentId}/chunks?limit=1000`));
    expect(stored.document).toMatchObject({ documentId, pages: 100 });
    expect(stored).toMatchObject({ total: stored.chunks.length, nextOffset: null });
    // A page of the chunk browser: in order, with where the next one starts.
    const page = await getJson(fetch(`${base}/collections/books/documents/${documentId}/chunks?offset=10&limit=5`));
    expect(page.chunks.map((c: { chunkIndex: number }) => c.chunkIndex)).toEqual([10, 11, 12, 13, 14]);
    expect(page).toMatchObject({ total: stored.total, nextOffset: 15 });
    expect(page.chunks[0].headingPath.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/collections/books/documents/${documentId}/chunks?limit=0`)).status).toBe(400);
    expect(stored.chunks.map((c: { chunkIndex: number }) => c.chunkIndex)).toEqual(
      stored.chunks.map((_: unknown, i: number) => i),
    );
    expect(new Set(stored.chunks.map((c: { pageNumber: number }) => c.pageNumber)).size).toBe(100);
    const missing = await fetch(`${base}/collections/books/documents/${'0'.repeat(32)}/chunks`);
    expect(missing.status).toBe(404);
    const list = await getJson(fetch(`${base}/tasks?collectionId=books`));
    expect(list.tasks.map((t: { taskId: string }) => t.taskId)).toContain(task.taskId);
    // The old snake_case name still works for one release; neither name is a 400.
    expect((await getJson(fetch(`${base}/tasks?collection_id=books`))).tasks).toEqual(list.tasks);
    expect((await fetch(`${base}/tasks`)).status).toBe(400);
  });

  it('finds the gold page for the questions about that book (hybrid, local embedder)', async () => {
    const mine = queries.filter((q) => q.filename === 'pubmed-abstracts-vol01.pdf');
    expect(mine.length).toBeGreaterThan(10);
    let top1 = 0;
    for (const q of mine) {
      const r = await getJson(fetch(`${base}/search`, jsonPost({ collectionId: 'books', query: q.question, topK: 5 })));
      expect(r.results.length).toBeGreaterThan(0);
      expect(r.results[0].scores).toHaveProperty('fused');
      if (r.results[0].pageNumber === q.page) top1++;
    }
    expect(top1 / mine.length).toBeGreaterThanOrEqual(0.9);
  });

  it('does not duplicate chunks when the same content is uploaded again', async () => {
    const before = await getJson(fetch(`${base}/collections`));
    const up = await upload(base, 'books', [{ name: 'pubmed-abstracts-vol01.pdf', data: readFileSync(BOOK) }]);
    const task = await waitForTask(base, up.body.files[0].taskId);
    expect(task).toMatchObject({ state: 'SUCCESS', deduplicated: true, documentId });
    // It reports what is indexed for that content, not zeros.
    const books = before.collections.find((c: { collectionId: string }) => c.collectionId === 'books');
    expect(task.counts.chunks.text + task.counts.chunks.table_html + task.counts.chunks.image_summary).toBe(
      books.chunks,
    );
    expect(task.counts.chunks.text).toBeGreaterThan(0);
    expect(await getJson(fetch(`${base}/collections`))).toEqual(before);
  });

  it('replaces the old version when a new file is uploaded under the same name', async () => {
    const up = await upload(base, 'versions', [{ name: 'notes.txt', data: 'Version one mentions aspirin dosing.' }]);
    await waitForTask(base, up.body.files[0].taskId);
    // Asked twice: the second reply comes from the retrieval cache, which the new version must not outlive.
    const ask = () =>
      getJson(fetch(`${base}/search`, jsonPost({ collectionId: 'versions', query: 'aspirin', mode: 'fts' })));
    const first = await ask();
    // The index refresh a second after the write moves the table version once; at most one ask misses because of it.
    let again = await ask();
    if (!again.cached) again = await ask();
    expect(first).toMatchObject({
      cached: false,
      results: [expect.objectContaining({ text: expect.stringContaining('aspirin') })],
    });
    expect(again.cached).toBe(true);
    expect(again.results).toEqual(first.results);
    const up2 = await upload(base, 'versions', [
      { name: 'notes.txt', data: 'Version two mentions metformin dosing instead.' },
    ]);
    await waitForTask(base, up2.body.files[0].taskId);
    const docs = await getJson(fetch(`${base}/collections/versions/documents`));
    expect(docs.documents).toHaveLength(1);
    const hits = await ask();
    expect(hits.results).toHaveLength(0);
  });

  it('answers over SSE: sources first, then tokens, then done with citations to the gold page', async () => {
    const q = queries.find((x) => x.filename === 'pubmed-abstracts-vol01.pdf')!;
    const res = await fetch(`${base}/chat/stream`, jsonPost({ collectionId: 'books', question: q.question }));
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = [];
    for await (const e of sseEvents(res)) events.push(e);
    expect(events[0].event).toBe('sources');
    expect(events.at(-1)!.event).toBe('done');
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    const done = events.at(-1)!.data;
    expect(done.provider).toBe('extractive');
    const sources = events[0].data.sources;
    const cited = done.citationsUsed.map((n: number) => sources[n - 1].pageNumber);
    expect(cited).toContain(q.page);
  });

  it('answers as JSON on POST /chat', async () => {
    const r = await fetch(
      `${base}/chat`,
      jsonPost({ collectionId: 'books', question: 'helicopter intubation by flight nurses' }),
    );
    const body = await getJson(r);
    expect(r.status).toBe(200);
    expect(body.answer).toMatch(/\[\d\]/);
    expect(body.sources[0]).toMatchObject({ filename: 'pubmed-abstracts-vol01.pdf', pageNumber: 1 });
  });

  it('continues a conversation kept server-side by its id', async () => {
    const first = await getJson(
      fetch(`${base}/chat`, jsonPost({ collectionId: 'books', question: 'helicopter intubation by flight nurses' })),
    );
    expect(first.conversationId).toMatch(/^[a-zA-Z0-9_-]{8,64}$/);
    const res = await fetch(
      `${base}/chat/stream`,
      jsonPost({
        collectionId: 'books',
        question: 'and what was the success rate?',
        conversationId: first.conversationId,
      }),
    );
    const events = [];
    for await (const e of sseEvents(res)) events.push(e);
    expect(events[0].data).toMatchObject({
      conversationId: first.conversationId,
      standaloneQuestion: 'and what was the success rate? (helicopter intubation)',
    });
    expect(events.at(-1)!.data).toMatchObject({ type: 'done', conversationId: first.conversationId });
    const bad = await fetch(
      `${base}/chat`,
      jsonPost({ collectionId: 'books', question: 'x', conversationId: '../../etc' }),
    );
    expect(bad.status).toBe(400);
  });

  it('runs 49 concurrent streams to completion without mixing their tokens', async () => {
    // Questions on the ingested book: the others are answered "not found", all alike.
    const questions = queries
      .filter((q) => q.filename === 'pubmed-abstracts-vol01.pdf')
      .slice(0, 50)
      .map((q) => q.question);
    expect(questions.length).toBeGreaterThanOrEqual(45);
    // Extractive answers are deterministic: each stream must reproduce its own one-at-a-time answer exactly,
    // with each [n] read as the chunk it cites (maintenance may compact the table between the two rounds, and
    // near-equal sources can then swap places in the list without the answer changing).
    const cites = (answer: string, sources: Array<{ n: number; chunkId: string }>) =>
      answer.replace(/\[(\d+)\]/g, (_, n) => `[${sources.find((x) => x.n === Number(n))?.chunkId ?? n}]`);
    const expected: string[] = [];
    for (const question of questions) {
      const body = await getJson(fetch(`${base}/chat`, jsonPost({ collectionId: 'books', question })));
      expected.push(cites(body.answer, body.sources));
    }
    expect(new Set(expected).size).toBeGreaterThan(40);
    const streams = await Promise.all(
      questions.map(async (question) => {
        const res = await fetch(`${base}/chat/stream`, jsonPost({ collectionId: 'books', question }));
        const events = [];
        for await (const e of sseEvents(res)) events.push(e);
        return events;
      }),
    );
    streams.forEach((events, i) => {
      expect(events.map((e) => e.event).filter((t) => t !== 'token')).toEqual(['sources', 'done']);
      expect(events.filter((e) => e.event === 'token').length).toBeGreaterThan(1);
      expect(
        cites(
          events
            .filter((e) => e.event === 'token')
            .map((e) => e.data.text)
            .join(''),
          events[0].data.sources,
        ),
      ).toBe(expected[i]);
    });
  });

  describe('bad input gets a clear 4xx with {statusCode, code, message, requestId}', () => {
    it.each([
      [
        'invalid collection id',
        () => upload(base, 'bad id!', [{ name: 'a.txt', data: 'hello there' }]),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'unsupported type',
        () => upload(base, 'c', [{ name: 'virus.exe', data: 'MZ...' }]),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'text pretending to be a PDF',
        () => upload(base, 'c', [{ name: 'fake.pdf', data: 'just some text' }]),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'empty query',
        async () => {
          const r = await fetch(`${base}/search`, jsonPost({ collectionId: 'books', query: '  ' }));
          return { status: r.status, body: await getJson(r) };
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'injection in collection id',
        async () => {
          const r = await fetch(`${base}/search`, jsonPost({ collectionId: "x' OR '1'='1", query: 'q' }));
          return { status: r.status, body: await getJson(r) };
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'malformed JSON',
        async () => {
          const r = await fetch(`${base}/search`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"a":',
          });
          return { status: r.status, body: await getJson(r) };
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'unknown task',
        async () => {
          const r = await fetch(`${base}/tasks/00000000-0000-0000-0000-000000000000`);
          return { status: r.status, body: await getJson(r) };
        },
        404,
        'NOT_FOUND',
      ],
    ])('%s', async (_name, call, status, code) => {
      const r = await call();
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({
        statusCode: status,
        code,
        message: expect.any(String),
        requestId: expect.any(String),
      });
    });
  });

  it('creates an empty collection by name, lists it with its description, refuses it twice and deletes it', async () => {
    const made = await fetch(
      `${base}/collections`,
      jsonPost({ collectionId: 'empty-one', description: 'Ward 7 protocols' }),
    );
    expect(made.status).toBe(201);
    expect(await getJson(made)).toMatchObject({ collectionId: 'empty-one', description: 'Ward 7 protocols' });
    const listed = await getJson(fetch(`${base}/collections`));
    expect(listed.collections).toEqual(
      expect.arrayContaining([{ collectionId: 'empty-one', documents: 0, chunks: 0, description: 'Ward 7 protocols' }]),
    );
    expect((await fetch(`${base}/collections`, jsonPost({ collectionId: 'empty-one' }))).status).toBe(409);
    expect((await fetch(`${base}/collections`, jsonPost({ collectionId: 'bad name!' }))).status).toBe(400);
    expect((await fetch(`${base}/collections/empty-one`, { method: 'DELETE' })).status).toBe(200);
    expect(
      (await getJson(fetch(`${base}/collections`))).collections.map((c: { collectionId: string }) => c.collectionId),
    ).not.toContain('empty-one');
  });

  it('accepts the valid files of a batch and rejects the others one by one, in the order sent', async () => {
    const up = await upload(base, 'mixed', [
      { name: 'slides.pptx', data: 'PK\u0003\u0004 a PowerPoint file' },
      { name: 'first.txt', data: 'Aspirin 75 mg daily after a myocardial infarction.' },
      { name: 'second.txt', data: 'Statins lower LDL cholesterol.' },
    ]);
    expect(up.status).toBe(202);
    expect(up.body.files.map((f: { index: number; filename: string }) => [f.index, f.filename])).toEqual([
      [1, 'first.txt'],
      [2, 'second.txt'],
    ]);
    expect(up.body.rejected).toEqual([
      {
        index: 0,
        filename: 'slides.pptx',
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringMatching(/slides\.pptx/),
      },
    ]);
    for (const f of up.body.files) expect((await waitForTask(base, f.taskId)).state).toBe('SUCCESS');
  });

  it('stores a path-traversal filename safely and cites it by its base name', async () => {
    const up = await upload(base, 'safe', [
      { name: '../../etc/passwd.txt', data: 'Traversal attempt content about warfarin.' },
    ]);
    expect(up.status).toBe(202);
    expect(up.body.files[0].filename).toBe('passwd.txt');
    expect((await waitForTask(base, up.body.files[0].taskId)).state).toBe('SUCCESS');
  });

  it('ends an encrypted PDF as FAILURE with a clear reason', async () => {
    const up = await upload(base, 'bad', [
      {
        name: 'locked.pdf',
        data: readFileSync(join(DATASETS, 'pdf-corpus/robustness/pdfplumber_password-example.pdf')),
      },
    ]);
    const task = await waitForTask(base, up.body.files[0].taskId);
    expect(task.state).toBe('FAILURE');
    expect(task.error).toEqual({ code: 'DOCUMENT_UNREADABLE', message: expect.stringContaining('password') });
  });

  it("serves a document's original file whole and by byte range, and deletes it everywhere, then a whole collection", async () => {
    const up = await upload(base, 'temp', [{ name: 'vol02.pdf', data: readFileSync(BOOK2) }]);
    const task = await waitForTask(base, up.body.files[0].taskId);
    const fileUrl = `${base}/collections/temp/documents/${task.documentId}/file`;
    const whole = await fetch(fileUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/pdf');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(readFileSync(BOOK2))).toBe(true);
    const head = await fetch(fileUrl, { headers: { range: 'bytes=0-4' } });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-4/${readFileSync(BOOK2).length}`);
    expect(await head.text()).toBe('%PDF-');
    expect((await fetch(fileUrl, { headers: { range: 'bytes=999999999-' } })).status).toBe(416);
    const original = join(stack.dir, 'uploads', 'originals', 'temp', task.documentId);
    expect(existsSync(original)).toBe(true);
    const del = await fetch(`${base}/collections/temp/documents/${task.documentId}`, { method: 'DELETE' });
    expect(await getJson(del)).toMatchObject({
      deletedChunks: task.counts.chunks.text,
      documentIds: [task.documentId],
    });
    const hits = await getJson(fetch(`${base}/search`, jsonPost({ collectionId: 'temp', query: 'patients' })));
    expect(hits.results).toHaveLength(0);
    expect((await fetch(`${base}/embeddings/temp/${task.documentId}`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(fileUrl)).status).toBe(404);
    expect(existsSync(original)).toBe(false);
    const kept = (collectionId: string) => {
      const dir = join(stack.dir, 'uploads', 'originals', collectionId);
      return existsSync(dir) ? readdirSync(dir).length : 0;
    };
    expect(kept('versions')).toBeGreaterThan(0);
    expect((await fetch(`${base}/collections/versions`, { method: 'DELETE' })).status).toBe(200);
    expect(kept('versions')).toBe(0);
    const cols = await getJson(fetch(`${base}/collections`));
    expect(cols.collections.map((c: { collectionId: string }) => c.collectionId)).not.toContain('versions');
  });

  it('serves its OpenAPI document and Swagger UI, open even when keys are required', async () => {
    const doc = await getJson(fetch(`${base}/openapi.json`));
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/upload/{collectionId}', '/tasks/{taskId}', '/search', '/chat/stream', '/metrics']),
    );
    const page = await fetch(`${base}/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const assets = html.match(/(?<=["'])\.\/docs\/[a-z0-9.-]+/g) ?? [];
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const src of assets) expect((await fetch(new URL(src, `${base}/docs`))).status).toBe(200);
    expect((await fetch(`${base}/docs/..%2Fpackage.json`)).status).toBe(404);
  });

  it('exposes Prometheus metrics: requests by route, search latency, queue depth, job outcomes', async () => {
    await fetch(`${base}/search`, jsonPost({ collectionId: 'books', query: 'metrics probe' }));
    const r = await fetch(`${base}/metrics`);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await r.text();
    expect(text).toMatch(/rag_http_requests_total\{method="POST",route="\/search",status="200"\} \d+/);
    expect(text).toMatch(/rag_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/search"\} \d+/);
    expect(text).toMatch(/rag_search_duration_seconds_count\{mode="hybrid",cache="(hit|miss)"\} [1-9]/);
    expect(text).toMatch(/rag_ingest_queue_jobs\{state="completed"\} [1-9]/);
    expect(text).toMatch(/rag_ingest_job_outcomes\{outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/rag_ingest_job_outcomes\{outcome="failed"\} [1-9]/);
    expect(text).toMatch(/rag_ingest_service_up 1/);
    // Ids in paths are folded into the route pattern.
    expect(text).toMatch(/route="\/tasks\/:taskId"/);
  });

  it('shares API-key auth and rate limits across two gateway replicas', async () => {
    const key = 'test-key-123';
    const hash = createHash('sha256').update(key).digest('hex');
    const env = { AUTH_ENABLED: 'true', API_KEY_HASHES: hash, RATE_LIMIT_PER_MINUTE: '6' };
    const [g1, g2] = await Promise.all([stack.start('gateway', env), stack.start('gateway', env)]);
    const url = (g: { port: number }) => `http://127.0.0.1:${g.port}/collections`;
    expect((await fetch(url(g1))).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${g1.port}/openapi.json`)).status).toBe(200);
    // Operations data (services, load) needs a key too; METRICS_PUBLIC=true would open it for a scraper.
    expect((await fetch(`http://127.0.0.1:${g1.port}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${g1.port}/ready`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${g1.port}/health`)).status).toBe(200);
    expect((await fetch(url(g1), { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const auth = { headers: { authorization: `Bearer ${key}` } };
    const statuses: number[] = [];
    // One budget per key across routes and replicas.
    const first = await fetch(url(g1), auth);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('6');
    expect(first.headers.get('ratelimit-remaining')).toBe('5');
    statuses.push(first.status, (await fetch(`http://127.0.0.1:${g2.port}/metrics`, auth)).status);
    for (let i = 0; i < 6; i++) statuses.push((await fetch(url(i % 2 ? g2 : g1), auth)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    const limited = await fetch(url(g2), auth);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await getJson(limited)).code).toBe('RATE_LIMITED');
  });
});
