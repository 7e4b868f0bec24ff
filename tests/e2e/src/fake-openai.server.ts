import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * A local server speaking OpenAI's chat-completions streaming wire format (SSE `data:` chunks,
 * `[DONE]`), embeddings, and the `/v1/rerank` format vLLM serves beside them (Cohere's: a document
 * scores by how often it says "answer"), with knobs: hold the stream after the first token until
 * released, fail mid-stream, answer 429 first, fail reranking.
 */
export class FakeOpenAiServer {
  private server?: Server;
  port = 0;
  requests: Array<{ path: string; body: any }> = [];
  private releaseHeld: Array<() => void> = [];
  aborted = 0;
  fail429Next = 0;
  failRerank = false;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', () => ok()));
    this.port = (this.server!.address() as { port: number }).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  release(): void {
    for (const r of this.releaseHeld.splice(0)) r();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => this.server?.close(() => ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const c of req) raw += c;
    const body = raw ? JSON.parse(raw) : {};
    this.requests.push({ path: req.url ?? '', body });
    if (this.fail429Next > 0) {
      this.fail429Next--;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '10' });
      res.end(JSON.stringify({ error: { message: 'rate limited', type: 'rate_limit' } }));
      return;
    }
    if (req.url?.endsWith('/rerank')) {
      const docs: string[] = body.documents ?? [];
      res.writeHead(this.failRerank ? 500 : 200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          this.failRerank
            ? { error: 'model crashed' }
            : { results: docs.map((d, index) => ({ index, relevance_score: (d.match(/answer/g) ?? []).length })) },
        ),
      );
      return;
    }
    if (req.url?.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const dims = body.dimensions ?? 8;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model: body.model,
          data: inputs.map((t, index) => ({
            object: 'embedding',
            index,
            embedding: Array.from({ length: dims }, (_, k) => ((t.length + k) % 7) / 7),
          })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
      return;
    }
    const last = body.messages?.[body.messages.length - 1]?.content ?? '';
    const text = typeof last === 'string' ? last : JSON.stringify(last);
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 0,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'rewritten question' }, finish_reason: 'stop' }],
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    // The response closing before it ended means the client (our service) hung up.
    res.on('close', () => {
      if (!res.writableEnded) this.aborted++;
    });
    const chunk = (content: string) =>
      res.write(
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`,
      );
    chunk('First');
    if (text.includes('FAIL_MIDSTREAM')) {
      await new Promise((r) => setTimeout(r, 50));
      res.write('data: {"error": {"message": "upstream exploded", "type": "server_error"}}\n\n');
      res.destroy();
      return;
    }
    if (text.includes('HOLD')) await new Promise<void>((r) => this.releaseHeld.push(r));
    for (const w of [' token', ' by', ' token', ' [1].']) {
      if (res.destroyed) return;
      chunk(w);
      await new Promise((r) => setTimeout(r, 5));
    }
    res.write(
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: body.model, choices: [], usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } })}\n\n`,
    );
    res.write('data: [DONE]\n\n');
    res.end();
  }
}
