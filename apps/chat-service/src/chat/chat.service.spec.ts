import { CompletionChunk, ThesaurusQueryExpander } from '@rag/ai';
import { ChatEvent, SearchReply, StoredTurn } from '@rag/contracts';
import { AppLogger, BusClient, DomainError } from '@rag/platform';
import { lastValueFrom, toArray } from 'rxjs';
import { ChatConfig } from '../config/chat.config';
import { ConversationStore } from '../conversation/conversation.store';
import { ExtractiveLlm } from '../llm/extractive.llm';
import { WordNetLexicon } from '../llm/lexicon';
import { GenerationInput, LlmProvider } from '../llm/llm-provider';
import { ChatService, CitationFilter } from './chat.service';

class MemoryConversations implements ConversationStore {
  readonly data = new Map<string, StoredTurn[]>();
  async load(id: string) {
    return [...(this.data.get(id) ?? [])];
  }
  async append(id: string, _collectionId: string, turns: StoredTurn[]) {
    this.data.set(id, [...(this.data.get(id) ?? []), ...turns]);
  }
  async get(id: string, collectionId: string) {
    const turns = await this.load(id);
    return {
      conversationId: id,
      collectionId,
      title: turns[0]?.content ?? '',
      updatedAt: new Date(0).toISOString(),
      turns,
    };
  }
  async list() {
    return [...this.data.keys()].map((id) => ({
      conversationId: id,
      title: this.data.get(id)![0].content,
      updatedAt: new Date(0).toISOString(),
      turns: this.data.get(id)!.length,
    }));
  }
}

const hit = (n: number, text: string, page: number) => ({
  rank: n,
  chunkId: `doc-${n}`,
  documentId: 'a'.repeat(32),
  filename: 'book.pdf',
  pageNumber: page,
  pageEnd: page,
  dataType: 'text' as const,
  chunkIndex: n,
  text,
  headingPath: [],
  source: 'text' as const,
  ocrConfidence: null,
  regions: [],
  scores: { vector: 0.5, fts: 1, fused: 0.8, rerank: 0.9 },
});

function fakeBus(results: SearchReply['results'] | Error) {
  const queries: string[] = [];
  const bus = {
    queries,
    request: async (_m: unknown, body: { query: string }) => {
      queries.push(body.query);
      if (results instanceof Error) throw results;
      return { mode: 'hybrid', cached: false, results, timings: { embedMs: 0, vectorMs: 0, ftsMs: 0, totalMs: 1 } };
    },
  };
  return bus;
}

const logger = { error: jest.fn(), warn: jest.fn(), info: jest.fn() } as unknown as AppLogger;
const config = { retrievalTimeoutMs: 1000 } as ChatConfig;
const base = { collectionId: 'c1', topK: 5 };
const run = (svc: ChatService, q: Record<string, unknown>) =>
  lastValueFrom(svc.stream({ ...base, ...q } as never).pipe(toArray()));

describe('ChatService', () => {
  const results = [
    hit(1, 'Metformin lowers hepatic glucose production in type 2 diabetes. It is taken with meals.', 4),
    hit(2, 'Aspirin inhibits platelet aggregation and is used after myocardial infarction.', 9),
  ];

  it('streams sources, then tokens, then done with the citations the answer used', async () => {
    const svc = new ChatService(
      fakeBus(results) as unknown as BusClient,
      new ExtractiveLlm(),
      config,
      logger,
      new MemoryConversations(),
    );
    const events = await run(svc, { question: 'How does metformin act in diabetes?' });
    expect(events[0]).toMatchObject({
      type: 'sources',
      sources: [
        { n: 1, pageNumber: 4 },
        { n: 2, pageNumber: 9 },
      ],
    });
    const tokens = events.filter((e): e is Extract<ChatEvent, { type: 'token' }> => e.type === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.map((t) => t.text).join('')).toContain(
      'Metformin lowers hepatic glucose production in type 2 diabetes. [1]',
    );
    const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    expect(done).toMatchObject({ type: 'done', provider: 'extractive', citationsUsed: [1], found: true });
    expect(done.conversationId).toBe((events[0] as { conversationId: string }).conversationId);
  });

  it('says "not found" with found: false when the passages do not speak to the question, the sources still sent as related', async () => {
    const svc = new ChatService(
      fakeBus(results) as unknown as BusClient,
      new ExtractiveLlm({ lexicon: new WordNetLexicon(), expander: new ThesaurusQueryExpander(null) }),
      config,
      logger,
      new MemoryConversations(),
    );
    const events = await run(svc, { question: 'What INR range is targeted for patients taking warfarin?' });
    expect(events[0]).toMatchObject({ type: 'sources', sources: [{ n: 1 }, { n: 2 }] });
    const answer = events
      .filter((e): e is Extract<ChatEvent, { type: 'token' }> => e.type === 'token')
      .map((t) => t.text)
      .join('');
    expect(answer).toBe('Not found in the documents.');
    expect(events.at(-1)).toMatchObject({ type: 'done', found: false, citationsUsed: [] });
  });

  it('keeps the conversation in the store and uses it to rewrite a follow-up', async () => {
    const store = new MemoryConversations();
    const bus = fakeBus(results);
    const svc = new ChatService(bus as unknown as BusClient, new ExtractiveLlm(), config, logger, store);
    const first = await run(svc, { question: 'What does metformin do?' });
    const conversationId = (first[0] as { conversationId: string }).conversationId;
    // The answer is kept with the sources it was given, so its citations open again after a reload.
    expect(store.data.get(conversationId)).toEqual([
      { role: 'user', content: 'What does metformin do?' },
      {
        role: 'assistant',
        content: expect.stringContaining('[1]'),
        found: true,
        sources: [expect.objectContaining({ n: 1, pageNumber: 4 }), expect.objectContaining({ n: 2, pageNumber: 9 })],
      },
    ]);
    expect(await svc.conversation({ conversationId, collectionId: 'books' })).toMatchObject({
      title: 'What does metformin do?',
      turns: [{ role: 'user' }, { role: 'assistant', found: true }],
    });
    const second = await run(svc, { question: 'Should it be taken with meals?', conversationId });
    expect(second[0]).toMatchObject({
      type: 'sources',
      conversationId,
      standaloneQuestion: 'What does metformin do? Should it be taken with meals?',
    });
    expect(bus.queries[1]).toBe('What does metformin do? Should it be taken with meals?');
    expect(store.data.get(conversationId)).toHaveLength(4);
  });

  it('keeps the subject of the first question over three turns (offline rewrite)', async () => {
    const bus = fakeBus(results);
    const svc = new ChatService(
      bus as unknown as BusClient,
      new ExtractiveLlm({ lexicon: new WordNetLexicon(), expander: new ThesaurusQueryExpander(null) }),
      config,
      logger,
      new MemoryConversations(),
    );
    const first = await run(svc, { question: 'What does metformin do in diabetes?' });
    const conversationId = (first[0] as { conversationId: string }).conversationId;
    await run(svc, { question: 'Should it be taken with meals?', conversationId });
    await run(svc, { question: 'What are the side effects?', conversationId });
    expect(bus.queries).toEqual([
      'What does metformin do in diabetes?',
      'Should it be taken with meals? (metformin diabetes)',
      'What are the side effects? (metformin diabetes)',
    ]);
    // A question with a subject of its own starts a new one.
    await run(svc, { question: 'Does aspirin help after an infarction?', conversationId });
    await run(svc, { question: 'How much of it?', conversationId });
    expect(bus.queries.slice(3)).toEqual([
      'Does aspirin help after an infarction?',
      'How much of it? (aspirin infarction)',
    ]);
  });

  it('prefers history sent by the client over the stored one', async () => {
    const store = new MemoryConversations();
    await store.append('conv-12345', 'books', [{ role: 'user', content: 'stored question' }]);
    const bus = fakeBus(results);
    const svc = new ChatService(bus as unknown as BusClient, new ExtractiveLlm(), config, logger, store);
    await run(svc, {
      question: 'and aspirin?',
      conversationId: 'conv-12345',
      history: [{ role: 'user', content: 'given question' }],
    });
    expect(bus.queries[0]).toBe('given question and aspirin?');
  });

  it('turns a retrieval failure into one error event', async () => {
    const svc = new ChatService(
      fakeBus(new DomainError('SERVICE_UNAVAILABLE', 'retrieval down')) as unknown as BusClient,
      new ExtractiveLlm(),
      config,
      logger,
      new MemoryConversations(),
    );
    expect(await run(svc, { question: 'anything' })).toEqual([
      { type: 'error', code: 'SERVICE_UNAVAILABLE', message: 'retrieval down' },
    ]);
  });

  it('aborts generation when the subscriber goes away', async () => {
    let signal: AbortSignal | undefined;
    const slow: LlmProvider = {
      name: 'slow',
      rewrite: async (q) => q,
      async *generate(_i: GenerationInput, s: AbortSignal): AsyncIterable<CompletionChunk> {
        signal = s;
        yield { text: 'first ' };
        await new Promise<void>((r) => {
          if (s.aborted) return r();
          const t = setTimeout(r, 10_000);
          s.addEventListener('abort', () => (clearTimeout(t), r()));
        });
        yield { text: 'never' };
      },
    };
    const svc = new ChatService(
      fakeBus(results) as unknown as BusClient,
      slow,
      config,
      logger,
      new MemoryConversations(),
    );
    await new Promise<void>((resolve) => {
      const sub = svc.stream({ ...base, question: 'q' } as never).subscribe((e) => {
        if (e.type === 'token') {
          sub.unsubscribe();
          resolve();
        }
      });
    });
    expect(signal?.aborted).toBe(true);
  });
});

describe('CitationFilter', () => {
  it('drops markers of passages that do not exist, also when a marker is split across pieces', () => {
    const f = new CitationFilter(2);
    const out =
      ['Take it daily [', '1]. Not ', 'every week [', '7', '] or [2', '].', ' See [3'].map((p) => f.push(p)).join('') +
      f.end();
    expect(out).toBe('Take it daily [1]. Not every week  or [2]. See [3');
  });
});
