import { Inject, Injectable } from '@nestjs/common';
import {
  ChatEvent,
  ChatRequestSchema,
  Citation,
  Conversation,
  ConversationList,
  RetrievalSearch,
} from '@rag/contracts';
import { AppLogger, BusClient, DomainError, LOGGER } from '@rag/platform';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { z } from 'zod';
import { CHAT_CONFIG, ChatConfig } from '../config/chat.config';
import { CONVERSATION_STORE, ConversationStore } from '../conversation/conversation.store';
import { LLM_PROVIDER, LlmProvider } from '../llm/llm-provider';
import { NOT_FOUND } from '../prompt/system-prompt';
import { buildMessages } from '../prompt/prompt.builder';

type ChatQuery = z.output<typeof ChatRequestSchema>;

/** Matches the contract's limit on one history turn. */
const MAX_TURN_CHARS = 8000;

/** Retrieval → prompt → streamed answer. Errors become an `error` event, never a silent hang. */
@Injectable()
export class ChatService {
  constructor(
    private readonly bus: BusClient,
    @Inject(LLM_PROVIDER) private readonly llm: LlmProvider,
    @Inject(CHAT_CONFIG) private readonly config: ChatConfig,
    @Inject(LOGGER) private readonly logger: AppLogger,
    @Inject(CONVERSATION_STORE) private readonly conversations: ConversationStore,
  ) {}

  stream(q: ChatQuery): Observable<ChatEvent> {
    return new Observable<ChatEvent>((sub) => {
      const abort = new AbortController();
      void this.run(q, abort.signal, (e) => sub.next(e))
        .catch((err: unknown) => {
          if (abort.signal.aborted) return;
          const e = err instanceof DomainError ? err : null;
          if (!e) this.logger.error({ err }, 'chat stream failed');
          sub.next({
            type: 'error',
            code: e?.code ?? 'UPSTREAM_ERROR',
            message: e?.message ?? `answer generation failed: ${(err as Error).message}`,
          });
        })
        .finally(() => sub.complete());
      // Unsubscribe (client went away) aborts the upstream completion.
      return () => abort.abort();
    });
  }

  /** A stored conversation with the sources of its answers (NOT_FOUND from another collection). */
  conversation(q: { conversationId: string; collectionId: string }): Promise<Conversation> {
    return this.conversations.get(q.conversationId, q.collectionId);
  }

  async conversationList(q: { collectionId: string; limit: number }): Promise<ConversationList> {
    return { conversations: await this.conversations.list(q.collectionId, q.limit) };
  }

  private async run(q: ChatQuery, signal: AbortSignal, emit: (e: ChatEvent) => void): Promise<void> {
    const t0 = performance.now();
    const conversationId = q.conversationId ?? randomUUID();
    // Loaded even when the client sends its own history: a conversation of another collection is refused here.
    const stored = q.conversationId ? await this.conversations.load(q.conversationId, q.collectionId) : [];
    const history = q.history ?? stored.map(({ role, content }) => ({ role, content }));
    const standalone = history.length ? await this.llm.rewrite(q.question, history) : q.question;
    const found = await this.bus.request(
      RetrievalSearch,
      { collectionId: q.collectionId, query: standalone, topK: q.topK, filters: q.filters },
      { timeoutMs: this.config.retrievalTimeoutMs },
    );
    const retrievalMs = performance.now() - t0;
    const sources: Citation[] = found.results.map((r, i) => ({
      n: i + 1,
      chunkId: r.chunkId,
      documentId: r.documentId,
      filename: r.filename,
      pageNumber: r.pageNumber,
      pageEnd: r.pageEnd,
      dataType: r.dataType,
      source: r.source,
      ocrConfidence: r.ocrConfidence,
      regions: r.regions,
      score: r.scores.rerank ?? r.scores.fused,
      snippet: snippet(r.text),
      text: r.text,
    }));
    emit({ type: 'sources', conversationId, standaloneQuestion: standalone, sources });

    let answer = '';
    let firstTokenMs: number | null = null;
    let usage = { promptTokens: 0, completionTokens: 0 };
    const messages = buildMessages(standalone, sources, history);
    const citations = new CitationFilter(sources.length);
    const send = (text: string) => {
      if (!text) return;
      firstTokenMs ??= performance.now() - t0;
      answer += text;
      emit({ type: 'token', text });
    };
    for await (const piece of this.llm.generate({ messages, question: standalone, sources }, signal)) {
      if (signal.aborted) return;
      if (piece.usage) usage = piece.usage;
      if (piece.text) send(citations.push(piece.text));
    }
    send(citations.end());
    // Stored before `done`, so a client that sends its next question right after sees this turn.
    await this.conversations
      .append(conversationId, q.collectionId, [
        { role: 'user', content: q.question.slice(0, MAX_TURN_CHARS) },
        { role: 'assistant', content: answer.slice(0, MAX_TURN_CHARS), sources, found: isFound(answer) },
      ])
      .catch((err: unknown) => this.logger.warn({ err, conversationId }, 'could not store the conversation turn'));
    const used = [...new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].filter(
      (n) => n >= 1 && n <= sources.length,
    );
    emit({
      type: 'done',
      conversationId,
      provider: this.llm.name,
      citationsUsed: used.sort((a, b) => a - b),
      found: isFound(answer),
      usage,
      timings: {
        retrievalMs: round(retrievalMs),
        firstTokenMs: firstTokenMs === null ? null : round(firstTokenMs),
        totalMs: round(performance.now() - t0),
      },
    });
  }
}

/**
 * Drops citation markers that point at no passage ("[7]" of five sources: a model's invention) from
 * a streamed answer. A piece ending inside a possible marker ("... [1") is held back until the marker
 * closes or cannot be one.
 */
export class CitationFilter {
  private held = '';

  constructor(private readonly passages: number) {}

  push(text: string): string {
    const all = this.held + text;
    const open = /\[\d{0,3}$/.exec(all);
    this.held = open ? open[0] : '';
    return this.clean(open ? all.slice(0, open.index) : all);
  }

  end(): string {
    const rest = this.clean(this.held);
    this.held = '';
    return rest;
  }

  private clean(text: string): string {
    return text.replace(/\[(\d{1,3})\]/g, (m, n: string) => (Number(n) >= 1 && Number(n) <= this.passages ? m : ''));
  }
}

/** Both providers answer an unanswerable question with the same words (the model is told to). */
const isFound = (answer: string) => !answer.trim().startsWith(NOT_FOUND);

function snippet(text: string): string {
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 240 ? `${plain.slice(0, 237)}...` : plain;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
